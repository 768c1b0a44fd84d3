/**
 * POST /v1/ops/payments/{id}/review `{ decision: "release" | "reject" }` (ops key): decides a payment
 * held by risk control. 200 with the payment and its `reviewStatus`; the same decision again answers 200
 * with `Idempotent-Replayed: true` and changes nothing; a payment not held (or already decided the other
 * way) → 409 `payment-not-in-review`. Idempotent by the payment's state, so an `Idempotency-Key` is
 * accepted but not needed.
 *
 * The payment and its refund are core's: the decision goes to core's `apply-risk-decisions` function
 * (one invoke per request, shared/risk/request-review.ts), and the settlement hold, which is risk's, is
 * kept in step from its answer.
 *
 * The same function serves GET /v1/ops/payments/{id}/events (shared/ops/payment-events.ts): the ops
 * routes of one payment share a function rather than each costing the stack its own. Its events are
 * derived by core's `payment-events` function from the payment and its refunds (one invoke per request).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, paymentEventsEnvSchema, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { byRoute } from '../../shared/http/by-route.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { invokePaymentEvents } from '../../shared/internal/payment-events.js';
import { paymentEventsRoute } from '../../shared/ops/payment-events.js';
import { invokedRiskDecisions } from '../../shared/risk/apply-decisions-client.js';
import { requestReview } from '../../shared/risk/request-review.js';
import { reviewPaymentBody } from '../../shared/schemas/risk-routes.js';
import { DynamoHoldStore } from '../../shared/store/dynamodb/holds.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const deps = {
  decisions: invokedRiskDecisions(process.env.APPLY_RISK_DECISIONS_FUNCTION_ARN ?? ''),
  holds: new DynamoHoldStore(table),
};

const review = apiHandler(
  { role: 'ops', path: { id: prefixedId('pay') }, body: reviewPaymentBody },
  async ({ body, event }) => {
    const result = await requestReview(deps, event.pathParameters?.id ?? '', body.decision);
    const payload = { ...result.payment, reviewStatus: result.reviewStatus };
    return json(200, payload, result.replayed ? { 'Idempotent-Replayed': 'true' } : {});
  },
);

export const handler = byRoute({
  'POST /v1/ops/payments/{id}/review': review,
  'GET /v1/ops/payments/{id}/events': paymentEventsRoute(
    invokePaymentEvents(loadEnv(paymentEventsEnvSchema).PAYMENT_EVENTS_FUNCTION_ARN),
  ),
});
