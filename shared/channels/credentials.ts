/**
 * Each channel's credentials: one Secrets Manager secret per channel holding JSON, validated here. Every
 * list (webhook secrets, Alipay public keys, WeChat Pay platform keys and APIv3 keys) accepts several
 * values at once: a vendor rotates its keys on its side, ops put the new value beside the old one in the
 * secret, and both verify until the old one is removed. Read per container and cached for `ttlMs`
 * (default 5 min), so a rotation is taken up without a deploy; the secret's id is in
 * `CHANNEL_SECRET_<CHANNEL>` (its ARN or name).
 */
import * as z from 'zod/mini';
import type { SecretReader } from '../aws/secrets-manager.js';
import type { Channel } from '../schemas/channels.js';
import { ChannelCredentialsError } from './errors.js';

const text = z.string().check(z.minLength(1));
const list = z.array(text).check(z.minLength(1));

export const sandboxCredentialsSchema = z.object({ webhookSecrets: list });
export const stripeCredentialsSchema = z.object({ secretKey: text, webhookSecrets: list });
export const alipayCredentialsSchema = z.object({
  appId: text,
  appPrivateKeyPem: text,
  alipayPublicKeyPems: list,
});
export const wechatpayCredentialsSchema = z.object({
  mchid: text,
  appid: text,
  merchantSerial: text,
  merchantPrivateKeyPem: text,
  platformKeys: z.array(z.object({ serial: text, publicKeyPem: text })).check(z.minLength(1)),
  apiV3Keys: list,
});

export const CREDENTIALS_SCHEMAS = {
  sandbox: sandboxCredentialsSchema,
  stripe: stripeCredentialsSchema,
  alipay: alipayCredentialsSchema,
  wechatpay: wechatpayCredentialsSchema,
} as const;

export type SandboxCredentials = z.infer<typeof sandboxCredentialsSchema>;
export type StripeChannelCredentials = z.infer<typeof stripeCredentialsSchema>;
export type AlipayCredentials = z.infer<typeof alipayCredentialsSchema>;
export type WechatpayCredentials = z.infer<typeof wechatpayCredentialsSchema>;
export type CredentialsOf<C extends Channel> = z.infer<(typeof CREDENTIALS_SCHEMAS)[C]>;

/** The environment variable naming a channel's secret: `CHANNEL_SECRET_STRIPE`. */
export const secretVariable = (channel: Channel) => `CHANNEL_SECRET_${channel.toUpperCase()}`;

/** Reads (and validates) a secret's JSON text for `channel`. @throws ChannelCredentialsError `credentials_invalid` */
export function parseCredentials<C extends Channel>(channel: C, secret: string): CredentialsOf<C> {
  let json: unknown;
  try {
    json = JSON.parse(secret);
  } catch {
    throw new ChannelCredentialsError('credentials_invalid', `${channel} credentials are not JSON`);
  }
  const result = z.safeParse(CREDENTIALS_SCHEMAS[channel], json);
  if (!result.success) {
    // Names the fields only: the values are secrets and must never reach a log.
    const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(root)'))];
    throw new ChannelCredentialsError(
      'credentials_invalid',
      `${channel} credentials invalid at: ${fields.join(', ')}`,
    );
  }
  return result.data as CredentialsOf<C>;
}

export interface CredentialSource {
  /**
   * The channel's current credentials, with `version` changing whenever the secret's value does (so
   * callers can rebuild what they derived from it, parsed keys, only then).
   * @throws ChannelCredentialsError
   */
  load<C extends Channel>(channel: C): Promise<{ credentials: CredentialsOf<C>; version: string }>;
}

export interface SecretsManagerSourceOptions {
  /** GetSecretValue (shared/aws/secrets-manager.ts's `readSecret` in the functions). */
  readonly readSecret: SecretReader;
  /** The secret id (ARN or name) per channel; default from `CHANNEL_SECRET_<CHANNEL>`. */
  readonly secretIds?: Partial<Record<Channel, string>>;
  readonly ttlMs?: number;
  readonly now?: () => number;
  /** Told when a refresh failed and the previous value is kept. */
  readonly onStale?: (channel: Channel, error: unknown) => void;
}

export const CREDENTIALS_TTL_MS = 5 * 60_000;

interface Cached {
  readonly value: { credentials: unknown; version: string };
  readonly at: number;
}

/**
 * Credentials from Secrets Manager (GetSecretValue), cached per channel for `ttlMs`. Concurrent first
 * reads share one request. A refresh that fails keeps the last good value (a Secrets Manager blip must
 * not stop payments); without one, the error propagates.
 */
export function secretsManagerCredentials(options: SecretsManagerSourceOptions): CredentialSource {
  const ttlMs = options.ttlMs ?? CREDENTIALS_TTL_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<Channel, Cached>();
  const inflight = new Map<Channel, Promise<Cached['value']>>();

  const secretId = (channel: Channel) =>
    options.secretIds ? options.secretIds[channel] : process.env[secretVariable(channel)];

  async function fetchSecret(channel: Channel): Promise<Cached['value']> {
    const id = secretId(channel);
    if (!id)
      throw new ChannelCredentialsError(
        'credentials_unavailable',
        `${secretVariable(channel)} is not set: ${channel} has no credentials here`,
      );
    let secret: string | undefined;
    let version: string | undefined;
    try {
      const out = await options.readSecret(id);
      secret = out.SecretString;
      version = out.VersionId;
    } catch (cause) {
      throw new ChannelCredentialsError(
        'credentials_unavailable',
        `${channel} credentials could not be read: ${(cause as Error).name}`,
        { cause },
      );
    }
    if (secret === undefined)
      throw new ChannelCredentialsError('credentials_invalid', `${channel} secret has no SecretString`);
    const credentials = parseCredentials(channel, secret);
    return { credentials, version: version ?? secret };
  }

  return {
    async load<C extends Channel>(channel: C) {
      const cached = cache.get(channel);
      if (cached && now() - cached.at < ttlMs)
        return cached.value as { credentials: CredentialsOf<C>; version: string };
      let pending = inflight.get(channel);
      if (!pending) {
        pending = fetchSecret(channel).finally(() => inflight.delete(channel));
        inflight.set(channel, pending);
      }
      try {
        const value = await pending;
        cache.set(channel, { value, at: now() });
        return value as { credentials: CredentialsOf<C>; version: string };
      } catch (error) {
        if (!cached) throw error;
        options.onStale?.(channel, error);
        return cached.value as { credentials: CredentialsOf<C>; version: string };
      }
    },
  };
}

/** Fixed credentials (tests, scripts); `version` never changes. */
export function staticCredentials(values: { readonly [C in Channel]?: CredentialsOf<C> }): CredentialSource {
  return {
    async load<C extends Channel>(channel: C) {
      const credentials = values[channel] as CredentialsOf<C> | undefined;
      if (!credentials)
        throw new ChannelCredentialsError('credentials_unavailable', `${channel} has no credentials here`);
      return { credentials, version: 'static' };
    },
  };
}
