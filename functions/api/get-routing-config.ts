/**
 * GET /v1/ops/merchants/{merchantId}/routing (ops): the merchant's routing configuration as stored, or
 * the default (priority over ["sandbox"]) when none is: always a valid PUT body.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoRoutingConfigStore } from '../../shared/store/dynamodb/routing-configs.js';

const env = loadEnv(tableEnvSchema);
const configs = new DynamoRoutingConfigStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', path: { merchantId: MERCHANT_ID } }, async ({ event }) => {
  return json(200, await configs.getStored(event.pathParameters?.merchantId ?? ''));
});
