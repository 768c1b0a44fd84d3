/**
 * GET /v1/ops/merchants/{merchantId}/limits (ops): the merchant's flow limits as stored, or the
 * contract's defaults (`{ requestsPerSecond: 100, burst: 200 }`): always a valid PUT body. An unknown
 * merchant answers 404.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoFlowLimitsStore } from '../../shared/store/dynamodb/flow-limits.js';

const env = loadEnv(tableEnvSchema);
const limits = new DynamoFlowLimitsStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', path: { merchantId: MERCHANT_ID } }, async ({ params }) =>
  json(200, await limits.get(params.merchantId ?? '')),
);
