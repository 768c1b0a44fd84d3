/**
 * PUT /v1/ops/billing/prices (ops): replaces the price list. Strict: an unknown field, a price that is
 * not a whole number of minor units in range, or a route the API does not have (ROUTE_KEYS, written by the
 * API construct at synth time) answers 400 naming the field. Idempotent by nature: no Idempotency-Key.
 * Statements computed after it use it, for the whole month they cover.
 */
import * as z from 'zod/mini';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { billingPricesSchema } from '../../shared/schemas/billing.js';
import { DynamoBillingPricesStore } from '../../shared/store/dynamodb/billing-prices.js';

const env = loadEnv(
  z.extend(tableEnvSchema, {
    ROUTE_KEYS: z.pipe(
      z.string(),
      z.pipe(
        z.transform((value: string) => JSON.parse(value) as unknown),
        z.array(z.string()).check(z.minLength(1)),
      ),
    ),
  }),
);
const prices = new DynamoBillingPricesStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', body: billingPricesSchema(env.ROUTE_KEYS) },
  async ({ body }) => json(200, await prices.put(body)),
);
