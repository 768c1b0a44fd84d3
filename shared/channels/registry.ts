/**
 * Every channel's adapter, or the part of it a function uses (its notifier, its transactions or its
 * statements: adapters.ts), built from its credentials (credentials.ts) and base URL, for the callback,
 * the dispatcher, the channel checks and reconciliation runs. An adapter is rebuilt only when its
 * channel's secret changes (a rotation), so the keys it parses are parsed once per container and secret
 * version.
 *
 * Base URLs: `SANDBOX_PSP_URL`, `STRIPE_API_URL`, `ALIPAY_GATEWAY_URL`, `WECHATPAY_API_URL` (default: the
 * vendors' own; the local runtime points them at its simulators). Our notify URL (Alipay's and WeChat
 * Pay's requests name it) is `<CHANNEL_CALLBACK_BASE_URL>/v1/channels/<channel>/callbacks`.
 *
 * The sandbox's webhook secrets reach the callback in `SANDBOX_WEBHOOK_SECRETS` (a deploy-time reference
 * to its secret, infra/constructs/channels.ts); they are used when set, else its `CHANNEL_SECRET_SANDBOX`
 * secret, else none (the dispatcher submits to the sandbox without verifying anything).
 */
import { CHANNELS, type Channel } from '../schemas/channels.js';
import { type CredentialSource, type CredentialsOf, secretVariable } from './credentials.js';
import { ChannelCredentialsError, ChannelError } from './errors.js';
import type { ChannelNotification } from './protocol.js';
import type { ChannelAdapter, ChannelStatements, ChannelTransactions } from './types.js';

/** What an adapter needs besides its credentials. */
export interface AdapterEndpoint {
  /** The channel's base URL; undefined: the vendor's own. */
  readonly baseUrl?: string;
  /** Where the channel sends its notifications (our callback route). */
  readonly notifyUrl: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** Makes a channel's adapter (or part of one, `A`) from its credentials. */
export type AdapterFactory<C extends Channel, A = ChannelAdapter> = (
  credentials: CredentialsOf<C>,
  endpoint: AdapterEndpoint,
) => A;

export type AdapterFactories<A = ChannelAdapter> = { readonly [C in Channel]?: AdapterFactory<C, A> };

/** What every part of an adapter has. */
interface Named {
  readonly name: Channel;
}

/** The variable holding each channel's base URL. */
export const BASE_URL_VARIABLES: Readonly<Record<Channel, string>> = {
  sandbox: 'SANDBOX_PSP_URL',
  stripe: 'STRIPE_API_URL',
  alipay: 'ALIPAY_GATEWAY_URL',
  wechatpay: 'WECHATPAY_API_URL',
};

export interface ChannelRegistryOptions<A extends Named = ChannelAdapter> {
  readonly credentials: CredentialSource;
  readonly factories: AdapterFactories<A>;
  /** Base URLs and notify URL, and the sandbox's secrets; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
  /** Per request; the adapters' default when absent. */
  readonly timeoutMs?: number;
}

export interface ChannelRegistry<A extends Named = ChannelAdapter> {
  /** The channels this registry can build an adapter for. */
  readonly channels: readonly Channel[];
  /**
   * The channel's adapter with its current credentials.
   * @throws ChannelError `unknown_channel`; ChannelCredentialsError when its credentials cannot be read
   */
  adapter(channel: string): Promise<A>;
  /** The channel's adapter as last built, if it was. */
  loaded(channel: Channel): A | undefined;
}

const trimUrl = (url: string | undefined) => (url ? url.replace(/\/+$/, '') : undefined);

/** True when `channel` is one of ours. */
export function isChannel(channel: string): channel is Channel {
  return (CHANNELS as readonly string[]).includes(channel);
}

export function channelRegistry<A extends Named = ChannelAdapter>(
  options: ChannelRegistryOptions<A>,
): ChannelRegistry<A> {
  const env = options.env ?? process.env;
  const built = new Map<Channel, { version: string; adapter: A }>();
  const channels = CHANNELS.filter((c) => options.factories[c] !== undefined);

  async function credentialsOf<C extends Channel>(channel: C) {
    if (channel === 'sandbox') {
      const listed = (env.SANDBOX_WEBHOOK_SECRETS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (listed.length > 0 || !env[secretVariable('sandbox')])
        return { credentials: { webhookSecrets: listed } as CredentialsOf<C>, version: listed.join(',') };
    }
    return options.credentials.load(channel);
  }

  async function adapter(name: string): Promise<A> {
    const factory = isChannel(name) ? (options.factories[name] as AdapterFactory<Channel, A>) : undefined;
    if (!isChannel(name) || !factory)
      throw new ChannelError('unknown_channel', `No adapter for channel ${name}`, false);
    const { credentials, version } = await credentialsOf(name);
    const current = built.get(name);
    if (current?.version === version) return current.adapter;
    const base = trimUrl(env.CHANNEL_CALLBACK_BASE_URL) ?? '';
    const baseUrl = trimUrl(env[BASE_URL_VARIABLES[name]]);
    let made: A;
    try {
      made = factory(credentials, {
        ...(baseUrl ? { baseUrl } : {}),
        notifyUrl: `${base}/v1/channels/${name}/callbacks`,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    } catch (cause) {
      // A key that does not parse: the secret holds something the vendor never issued.
      throw new ChannelCredentialsError(
        'credentials_invalid',
        `${name} credentials refused by its adapter: ${(cause as Error).message}`,
        { cause },
      );
    }
    built.set(name, { version, adapter: made });
    return made;
  }

  return { channels, adapter, loaded: (name) => built.get(name)?.adapter };
}

/**
 * Adapters that read their credentials on each call (from the registry's cache), for code that holds a
 * plain `Record` of adapters. Their `ack` and `readNotification` work once `adapter(channel)` has been
 * awaited.
 */
export function lazyAdapters(registry: ChannelRegistry): Record<string, ChannelAdapter> {
  const lazy = (name: Channel): ChannelAdapter => {
    const ready = (): ChannelAdapter => {
      const current = registry.loaded(name);
      if (!current) throw new ChannelError('channel_unavailable', `${name} adapter not loaded yet`, true);
      return current;
    };
    return {
      ...lazyTransaction(registry, name),
      ...lazyStatement(registry, name),
      get ack() {
        return ready().ack;
      },
      readNotification: (headers, rawBody, now): ChannelNotification =>
        ready().readNotification(headers, rawBody, now),
    };
  };
  return Object.fromEntries(registry.channels.map((c) => [c, lazy(c)]));
}

/** The dispatcher's and the checks' lazy adapters: submissions and queries. */
export function lazyTransactions(
  registry: ChannelRegistry<ChannelTransactions>,
): Record<string, ChannelTransactions> {
  return Object.fromEntries(registry.channels.map((c) => [c, lazyTransaction(registry, c)]));
}

/** Reconciliation runs' lazy adapters: statements. */
export function lazyStatements(
  registry: ChannelRegistry<ChannelStatements>,
): Record<string, ChannelStatements> {
  return Object.fromEntries(registry.channels.map((c) => [c, lazyStatement(registry, c)]));
}

function lazyTransaction(registry: ChannelRegistry<ChannelTransactions>, name: Channel): ChannelTransactions {
  return {
    name,
    submitPayment: async (p) => (await registry.adapter(name)).submitPayment(p),
    submitRefund: async (r) => (await registry.adapter(name)).submitRefund(r),
    queryPayment: async (q) => (await registry.adapter(name)).queryPayment(q),
    queryRefund: async (q) => (await registry.adapter(name)).queryRefund(q),
  };
}

function lazyStatement(registry: ChannelRegistry<ChannelStatements>, name: Channel): ChannelStatements {
  return {
    name,
    async *fetchStatement(date) {
      yield* (await registry.adapter(name)).fetchStatement(date);
    },
  };
}
