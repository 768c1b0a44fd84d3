/** GET /v1/ops/merchants/{merchantId} (ops key): the merchant and its history (who, when, why). */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoMerchantStore } from '../../shared/store/dynamodb/merchants.js';

const env = loadEnv(tableEnvSchema);
const merchants = new DynamoMerchantStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', path: { merchantId: MERCHANT_ID } }, async ({ params }) =>
  json(200, await merchants.getWithHistory(params.merchantId ?? '')),
);
