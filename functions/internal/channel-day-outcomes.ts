/**
 * Core's internal function for reconciliation: a page of a channel-day's applied outcomes
 * (shared/internal/channel-day-outcomes.ts), read from core's GSI3. Read-only, so any retry is harmless.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  CHANNEL_DAY_OUTCOMES_PAGE,
  type ChannelDayOutcomesAnswer,
  channelDayOutcomesRequestSchema,
} from '../../shared/internal/channel-day-outcomes.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { channelDayOutcomesPage } from '../../shared/store/dynamodb/channel-day-outcomes.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'channel-day-outcomes',
  channelDayOutcomesRequestSchema,
  async (request): Promise<ChannelDayOutcomesAnswer> => {
    return channelDayOutcomesPage(table, {
      channel: request.channel,
      date: request.date,
      limit: request.limit ?? CHANNEL_DAY_OUTCOMES_PAGE,
      cursor: request.cursor,
    });
  },
);
