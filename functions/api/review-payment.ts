/**
 * POST /v1/ops/payments/{id}/review `{ decision: "release" | "reject" }` (ops key): decides a payment
 * held by risk control. 200 with the payment and its `reviewStatus`; the same decision again answers 200
 * with `Idempotent-Replayed: true` and changes nothing; a payment not held (or already decided the other
 * way) → 409 `payment-not-in-review`. Idempotent by the payment's state, so an `Idempotency-Key` is
 * accepted but not needed.
 *
 * The same function serves GET /v1/ops/payments/{id}/events (shared/ops/payment-events.ts): the ops
 * routes of one payment share a function rather than each costing the stack its own.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { byRoute } from '../../shared/http/by-route.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { paymentEventsRoute } from '../../shared/ops/payment-events.js';
import { reviewPayment } from '../../shared/risk/review-payment.js';
import { reviewPaymentBody } from '../../shared/schemas/risk-routes.js';
import { DynamoPaymentRiskStore } from '../../shared/store/dynamodb/payment-risk.js';
import { paymentFromItem } from '../../shared/store/items.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const payments = new DynamoPaymentRiskStore(table);

const review = apiHandler(
  { role: 'ops', path: { id: prefixedId('pay') }, body: reviewPaymentBody },
  async ({ body, event }) => {
    const result = await reviewPayment(payments, event.pathParameters?.id ?? '', body.decision);
    const payload = { ...paymentFromItem(result.item), reviewStatus: result.item.reviewStatus };
    return json(200, payload, result.replayed ? { 'Idempotent-Replayed': 'true' } : {});
  },
);

export const handler = byRoute({
  'POST /v1/ops/payments/{id}/review': review,
  'GET /v1/ops/payments/{id}/events': paymentEventsRoute(table),
});
