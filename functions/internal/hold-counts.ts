/**
 * Risk's count of held payments for other services (shared/internal/hold-counts.ts): the payments of a
 * page of merchants held for a reason. Read-only. Invoked by the ops overview (console), once per page of
 * the gateway's approved merchants.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type HoldCountsAnswer, holdCountsRequest } from '../../shared/internal/hold-counts.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { countHolds } from '../../shared/store/dynamodb/ops-counts.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'hold-counts',
  holdCountsRequest,
  async ({ merchantIds, reason }): Promise<HoldCountsAnswer> => {
    return { held: await countHolds(table, merchantIds, reason) };
  },
);
