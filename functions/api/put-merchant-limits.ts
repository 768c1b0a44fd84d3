/**
 * PUT /v1/ops/merchants/{merchantId}/limits (ops): replaces the merchant's flow limits (positive integers
 * within their maxima, else 400 naming the field; an absent field takes its default). Idempotent by
 * nature: no Idempotency-Key. Every container applies them within its limits cache (1 s) plus one lease
 * (1 s). An unknown merchant answers 404.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { flowLimitsSchema } from '../../shared/schemas/flow-limits.js';
import { DynamoFlowLimitsStore } from '../../shared/store/dynamodb/flow-limits.js';

const env = loadEnv(tableEnvSchema);
const limits = new DynamoFlowLimitsStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID }, body: flowLimitsSchema },
  async ({ params, body }) => json(200, await limits.put(params.merchantId ?? '', body)),
);
