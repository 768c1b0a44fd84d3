/**
 * The channels' internal function for routing at create (shared/internal/channel-facts.ts): the stored
 * settings and breaker of the channels asked (one BatchGetItem) and the outcome windows of the scopes
 * asked (hours × shards, BatchGetItem), read in parallel and never cached here: create-payment caches
 * each per container for a second. Read-only. A part that cannot be read is answered `null` and logged,
 * the other part still answered: routing fails open on what is missing, as when it read them itself.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { logger } from '../../shared/http/logger.js';
import {
  CHANNEL_FACTS,
  type ChannelFactsAnswer,
  channelFactsRequest,
  type StoredChannelItems,
} from '../../shared/internal/channel-facts.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { readWindows } from '../../shared/store/dynamodb/channel-outcome-counts.js';
import { readRecordItems } from '../../shared/store/dynamodb/channel-records.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

/** What routing reads of a breaker item (channel-records.ts `breakerOf`). */
const BREAKER_FIELDS = ['state', 'openedAt', 'failures', 'probeTakenAt', 'version'] as const;

export const handler = internalHandler(
  CHANNEL_FACTS,
  channelFactsRequest,
  async ({ channels, scopes, now }): Promise<ChannelFactsAnswer> => {
    const [records, windows] = await Promise.allSettled([
      channels.length > 0 ? readRecordItems(table, channels, false) : undefined,
      scopes.length > 0 ? readWindows(table, scopes, now) : undefined,
    ]);
    const answer: { -readonly [K in keyof ChannelFactsAnswer]: ChannelFactsAnswer[K] } = {};
    if (channels.length > 0) {
      if (records.status === 'fulfilled' && records.value) {
        const byChannel: Record<string, StoredChannelItems> = {};
        for (const [channel, items] of records.value) {
          const breaker = items.breaker;
          byChannel[channel] = {
            ...(items.settings && { settings: items.settings.settings }),
            ...(breaker && {
              breaker: Object.fromEntries(
                BREAKER_FIELDS.filter((f) => f in breaker).map((f) => [f, breaker[f]]),
              ),
            }),
          };
        }
        answer.records = byChannel;
      } else {
        logger.warn('channel records unreadable', { error: (records as PromiseRejectedResult).reason });
        answer.records = null;
      }
    }
    if (scopes.length > 0) {
      if (windows.status === 'fulfilled' && windows.value) answer.windows = Object.fromEntries(windows.value);
      else {
        logger.warn('channel outcome counts unreadable', {
          error: (windows as PromiseRejectedResult).reason,
        });
        answer.windows = null;
      }
    }
    return answer;
  },
);
