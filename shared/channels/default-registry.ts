/**
 * The registry the functions use: credentials from Secrets Manager (`CHANNEL_SECRET_<CHANNEL>`), base URLs
 * and our notify URL from the environment, the adapters of adapters.ts. One per container.
 */
import { secretsManagerClient } from '../aws/secrets-manager.js';
import { logger } from '../http/logger.js';
import { ADAPTER_FACTORIES } from './adapters.js';
import { secretsManagerCredentials } from './credentials.js';
import { type ChannelRegistry, channelRegistry } from './registry.js';

let shared: ChannelRegistry | undefined;

/** The container's registry, made on first use, with the adapters' own timeouts. */
export function defaultChannelRegistry(): ChannelRegistry {
  shared ??= createChannelRegistry();
  return shared;
}

/** A registry of its own, e.g. with a longer `timeoutMs` (per request, or per chunk of a statement). */
export function createChannelRegistry(options: { readonly timeoutMs?: number } = {}): ChannelRegistry {
  return channelRegistry({
    credentials: secretsManagerCredentials({
      client: secretsManagerClient,
      onStale: (channel, error) =>
        logger.warn('channel credentials not refreshed: keeping the last good ones', {
          channel,
          error: (error as Error).message,
        }),
    }),
    factories: ADAPTER_FACTORIES,
    ...options,
  });
}
