/**
 * The channels' internal function for settlement: the fee schedules of the channels asked
 * (shared/internal/channel-fees.ts), read fresh from their settings (one BatchGetItem). Read-only.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type ChannelFeesAnswer, channelFeesRequestSchema } from '../../shared/internal/channel-fees.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { channelRecords } from '../../shared/store/dynamodb/channel-records.js';

const env = loadEnv(tableEnvSchema);
const records = channelRecords({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = internalHandler(
  'channel-fees',
  channelFeesRequestSchema,
  async ({ channels }): Promise<ChannelFeesAnswer> => {
    // Fresh: a settlement prices with the fees as ops left them, not as this container cached them.
    const read = await records.read(channels, true);
    return {
      fees: Object.fromEntries([...read].map(([channel, record]) => [channel, { ...record.settings.fees }])),
    };
  },
);
