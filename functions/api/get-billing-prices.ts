/** GET /v1/ops/billing/prices (ops): the price list statements are computed with (nothing charged when unset). */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { DynamoBillingPricesStore } from '../../shared/store/dynamodb/billing-prices.js';

const env = loadEnv(tableEnvSchema);
const prices = new DynamoBillingPricesStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops' }, async () => json(200, await prices.get()));
