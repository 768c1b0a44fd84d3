/**
 * Which URLs an endpoint may have. In AWS: `https://` only, with a host name (no credentials in the
 * URL, no fragment). The local runtime also accepts `http://127.0.0.1:<port>` and
 * `http://localhost:<port>` (contract), so a developer's receiver on the same machine can be registered.
 *
 * Where we run is decided once, from the function's own environment, not from anything a merchant
 * sends: loopback receivers are allowed when the table itself is reached on loopback
 * (`AWS_ENDPOINT_URL_DYNAMODB` = `http://127.0.0.1…` / `localhost`), which is how the local runtime and
 * the tests run every function and never how a deployed Lambda does (it sets no endpoint override). So
 * a loopback receiver is allowed exactly when it is on the same machine as the whole system; no flag
 * in the template can be left on by mistake in an account. The delivery consumer applies the same
 * policy again before each POST.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

export interface UrlPolicy {
  readonly allowLoopback: boolean;
}

/** The policy for the environment `env` (default `process.env`). */
export function urlPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): UrlPolicy {
  const dynamoEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB;
  return { allowLoopback: dynamoEndpoint !== undefined && isLoopbackUrl(dynamoEndpoint) };
}

function isLoopbackUrl(value: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(value).hostname);
  } catch {
    return false;
  }
}

/** Why `url` is refused, or `undefined` when it is acceptable. */
export function urlRefusal(url: string, policy: UrlPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (parsed.username || parsed.password) return 'must not contain credentials';
  if (parsed.hash) return 'must not contain a fragment';
  if (parsed.protocol === 'https:') {
    if (LOOPBACK_HOSTS.has(parsed.hostname) && !policy.allowLoopback) return 'must not be a loopback address';
    return undefined;
  }
  if (parsed.protocol === 'http:' && policy.allowLoopback) {
    if (!LOOPBACK_HOSTS.has(parsed.hostname) || !parsed.port) {
      return 'must be https, or http://127.0.0.1:<port> in the local runtime';
    }
    return undefined;
  }
  return policy.allowLoopback
    ? 'must be https, or http://127.0.0.1:<port> in the local runtime'
    : 'must be https';
}
