/** GET /v1/ops/merchants?status=&limit=&cursor= (ops key): merchants newest first, one status or all. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { listMerchantsQuery } from '../../shared/schemas/merchants.js';
import { DynamoMerchantStore } from '../../shared/store/dynamodb/merchants.js';

const env = loadEnv(tableEnvSchema);
const merchants = new DynamoMerchantStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', query: listMerchantsQuery }, async ({ query }) =>
  json(200, await merchants.list(query)),
);
