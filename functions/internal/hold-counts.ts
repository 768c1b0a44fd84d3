/**
 * Risk's count of held payments for other services (shared/internal/hold-counts.ts): the payments of a
 * page of merchants held for a reason. Read-only. Invoked by the ops overview (console), once per page of
 * the gateway's approved merchants.
 */
import { parse } from 'zod/mini';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type HoldCountsAnswer, holdCountsRequest } from '../../shared/internal/hold-counts.js';
import { countHolds } from '../../shared/store/dynamodb/ops-counts.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = async (event: unknown): Promise<HoldCountsAnswer> => {
  const { merchantIds, reason } = parse(holdCountsRequest, event);
  return { held: await countHolds(table, merchantIds, reason) };
};
