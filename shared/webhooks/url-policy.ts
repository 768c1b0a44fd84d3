/**
 * Which URLs an endpoint may have. In AWS: `https://` with a host name whose every address is public
 * (address-policy.ts), no credentials in the URL, no fragment; IP literals are refused in any spelling
 * the URL parser accepts (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]` all name an address).
 *
 * The local runtime also accepts `http://127.0.0.1:<port>` and `http://localhost:<port>` (contract), so
 * a developer's receiver on the same machine can be registered. That allowance is a setting of the
 * function's environment, read with `loadEnv`: the local runtime sets it for every function, the
 * template never does (an infra test pins that), so no deployed function has it. It allows exactly
 * that URL form, nothing else that is loopback.
 */
import { isIP } from 'node:net';
import * as z from 'zod/mini';
import { loadEnv } from '../config/env.js';
import { type Lookup, resolutionRefusal } from './address-policy.js';

/** The local runtime's allowance: `allow` lets `http://127.0.0.1:<port>` receivers be registered. */
export const URL_POLICY_VARIABLE = 'WEBHOOK_LOOPBACK_RECEIVERS';

export const urlPolicyEnvSchema = z.object({
  [URL_POLICY_VARIABLE]: z._default(z.enum(['allow', 'deny'], { error: 'must be allow or deny' }), 'deny'),
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);
const LOCAL_FORM = 'must be https, or http://127.0.0.1:<port> in the local runtime';

export interface UrlPolicy {
  readonly allowLoopback: boolean;
}

/** The policy for the environment `env` (default `process.env`). @throws ConfigError */
export function urlPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): UrlPolicy {
  return { allowLoopback: loadEnv(urlPolicyEnvSchema, env)[URL_POLICY_VARIABLE] === 'allow' };
}

/** Whether `url` is the local runtime's allowed receiver form (`http://127.0.0.1:<port>`). */
export function isLocalReceiver(url: URL, policy: UrlPolicy): boolean {
  return policy.allowLoopback && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && !!url.port;
}

/** The host to resolve: brackets of an IPv6 literal and a final root dot (`localhost.`) removed. */
export function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** Why `url` is refused by its form alone, or `undefined`. No DNS: see `endpointRefusal`. */
export function urlRefusal(url: string, policy: UrlPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (parsed.username || parsed.password) return 'must not contain credentials';
  if (parsed.hash) return 'must not contain a fragment';
  if (isLocalReceiver(parsed, policy)) return undefined;
  if (parsed.protocol !== 'https:') return policy.allowLoopback ? LOCAL_FORM : 'must be https';
  const host = hostOf(parsed);
  if (isIP(host) !== 0) return 'must have a host name, not an IP address';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not be a loopback host';
  return undefined;
}

/**
 * Why `url` may not be registered, or `undefined`: its form, then what its host resolves to now (a
 * name that does not resolve is refused too: it could not be delivered to).
 */
export async function endpointRefusal(
  url: string,
  policy: UrlPolicy,
  lookup?: Lookup,
): Promise<string | undefined> {
  const refusal = urlRefusal(url, policy);
  if (refusal) return refusal;
  const parsed = new URL(url);
  if (isLocalReceiver(parsed, policy)) return undefined;
  return resolutionRefusal(hostOf(parsed), lookup);
}
