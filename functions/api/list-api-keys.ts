/**
 * GET /v1/ops/merchants/{merchantId}/api-keys (ops key): every key of the merchant, newest first, without
 * secrets, as one page (a merchant has a handful of keys).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoMerchantApiKeyStore } from '../../shared/store/dynamodb/merchant-api-keys.js';

const env = loadEnv(tableEnvSchema);
const apiKeys = new DynamoMerchantApiKeyStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', path: { merchantId: MERCHANT_ID } }, async ({ params }) =>
  json(200, { data: await apiKeys.list(params.merchantId ?? '', new Date()), nextCursor: null }),
);
