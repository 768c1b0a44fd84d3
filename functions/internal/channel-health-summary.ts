/**
 * The channels' outcome counts by clock hour for other services (shared/internal/channel-health-summary.ts),
 * from the channel health counts (readChannelHours: hours × shards keys a channel, BatchGetItem).
 * Read-only. Invoked by the ops overview (console) for the routing channels' last day.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  type ChannelHealthSummaryAnswer,
  channelHealthSummaryRequest,
} from '../../shared/internal/channel-health-summary.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { readChannelHours } from '../../shared/store/dynamodb/channel-outcome-counts.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'channel-health-summary',
  channelHealthSummaryRequest,
  async ({ channels, now, hours }): Promise<ChannelHealthSummaryAnswer> => {
    const read = await readChannelHours(table, channels, now, hours);
    return { channels: channels.map((channel) => ({ channel, hours: read.get(channel) ?? [] })) };
  },
);
