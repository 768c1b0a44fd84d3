/**
 * The gateway's merchant registry for other services (shared/internal/merchant-registry.ts): a page of
 * the ids of the merchants of one status. Read-only, so a caller may repeat any call. Invoked by the ops
 * overview (console), which counts the review holds of every approved merchant.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  type MerchantRegistryAnswer,
  merchantRegistryRequest,
} from '../../shared/internal/merchant-registry.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { merchantRegistryPage } from '../../shared/store/dynamodb/merchant-registry.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'merchant-registry',
  merchantRegistryRequest,
  (request): Promise<MerchantRegistryAnswer> => merchantRegistryPage(table, request),
);
