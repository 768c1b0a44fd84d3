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

export function defaultChannelRegistry(): ChannelRegistry {
  shared ??= channelRegistry({
    credentials: secretsManagerCredentials({
      client: secretsManagerClient,
      onStale: (channel, error) =>
        logger.warn('channel credentials not refreshed: keeping the last good ones', {
          channel,
          error: (error as Error).message,
        }),
    }),
    factories: ADAPTER_FACTORIES,
  });
  return shared;
}
