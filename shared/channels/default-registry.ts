/**
 * The registries the functions use: credentials from Secrets Manager (`CHANNEL_SECRET_<CHANNEL>`), base
 * URLs and our notify URL from the environment, and the factories of the part the function uses
 * (adapters.ts: notifiers, transactions or statements). One per container.
 */
import { readSecret } from '../aws/secrets-manager.js';
import { logger } from '../http/logger.js';
import type { Channel } from '../schemas/channels.js';
import { secretsManagerCredentials } from './credentials.js';
import { type AdapterFactories, type ChannelRegistry, channelRegistry } from './registry.js';

/**
 * A registry building `factories`' adapters, with the adapters' own timeouts unless `timeoutMs` is
 * given (per request, or per chunk of a statement).
 */
export function createChannelRegistry<A extends { readonly name: Channel }>(
  factories: AdapterFactories<A>,
  options: { readonly timeoutMs?: number } = {},
): ChannelRegistry<A> {
  return channelRegistry({
    credentials: secretsManagerCredentials({
      readSecret,
      onStale: (channel, error) =>
        logger.warn('channel credentials not refreshed: keeping the last good ones', {
          channel,
          error: (error as Error).message,
        }),
    }),
    factories,
    ...options,
  });
}
