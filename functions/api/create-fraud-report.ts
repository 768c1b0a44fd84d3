/**
 * POST /v1/payments/{id}/fraud-reports `{ reason }` (merchant key, Idempotency-Key required): the
 * merchant says a payment was fraud. The report and the rating's counter commit together; then the
 * payment's customer id, email and IP join the merchant's blocklists. 201 `{ id, paymentId, reason,
 * createdAt }`; a retry replays it (and re-applies the blocklist additions, which are idempotent).
 *
 * The payment is core's: whether the merchant has it and its customer's identifiers come from core's
 * `payment-customer` function (shared/internal/payment-customer.ts), one invoke per report.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, paymentCustomerEnvSchema, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { invokePaymentCustomer } from '../../shared/internal/payment-customer.js';
import { createFraudReportBody } from '../../shared/schemas/risk-routes.js';
import { DynamoFraudReportStore } from '../../shared/store/dynamodb/fraud-reports.js';
import { DynamoRiskProfileStore } from '../../shared/store/dynamodb/risk-profiles.js';
import { ObjectNotFoundError } from '../../shared/store/errors.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const paymentCustomer = invokePaymentCustomer(
  loadEnv(paymentCustomerEnvSchema).PAYMENT_CUSTOMER_FUNCTION_ARN,
);
const reports = new DynamoFraudReportStore(table);
const profiles = new DynamoRiskProfileStore(table);

export const handler = apiHandler(
  { role: 'merchant', path: { id: prefixedId('pay') }, idempotencyKey: true, body: createFraudReportBody },
  async ({ auth, idempotencyKey, body, method, path, event }) => {
    const paymentId = event.pathParameters?.id ?? '';
    // 404 for another merchant's payment, exactly as for a missing one (core answers both `not_found`).
    const payment = await paymentCustomer({ merchantId: auth.merchantId, paymentId });
    if (payment.outcome === 'not_found') throw new ObjectNotFoundError(paymentId);
    const { report, replayed } = await reports.create({
      merchantId: auth.merchantId,
      paymentId,
      reason: body.reason,
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, body),
      now: new Date(),
    });
    const customer = payment.customer;
    if (customer) {
      await profiles.addToBlocklists(auth.merchantId, {
        ...(customer.id ? { customerId: customer.id } : {}),
        ...(customer.email ? { email: customer.email } : {}),
        ...(customer.ip ? { ip: customer.ip } : {}),
      });
    }
    return json(201, report, replayed ? { 'Idempotent-Replayed': 'true' } : {});
  },
);
