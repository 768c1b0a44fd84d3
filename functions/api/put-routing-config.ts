/**
 * PUT /v1/ops/merchants/{merchantId}/routing (ops): replaces the merchant's routing configuration.
 * Strict validation (unknown fields, weights that do not sum to 100, a quota in a currency the channel
 * does not take: 400 naming the field); absent parts take their defaults, so `{}` resets. Idempotent by
 * nature: no Idempotency-Key. Answers 200 with what is stored; create-payment applies it within its
 * per-container cache TTL (1 s), inside the contract's 2 s.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { routingConfigSchema } from '../../shared/schemas/routing.js';
import { DynamoRoutingConfigStore } from '../../shared/store/dynamodb/routing-configs.js';

const env = loadEnv(tableEnvSchema);
const configs = new DynamoRoutingConfigStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID }, body: routingConfigSchema },
  async ({ event, body }) => json(200, await configs.put(event.pathParameters?.merchantId ?? '', body)),
);
