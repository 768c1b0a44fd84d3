/**
 * POST /v1/payments/{id}/fraud-reports `{ reason }` (merchant key, Idempotency-Key required): the
 * merchant says a payment was fraud. The report and the rating's counter commit together; then the
 * payment's customer id, email and IP join the merchant's blocklists. 201 `{ id, paymentId, reason,
 * createdAt }`; a retry replays it (and re-applies the blocklist additions, which are idempotent).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { createFraudReportBody } from '../../shared/schemas/risk-routes.js';
import { DynamoFraudReportStore } from '../../shared/store/dynamodb/fraud-reports.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoRiskProfileStore } from '../../shared/store/dynamodb/risk-profiles.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const payments = new DynamoPaymentStore(table);
const reports = new DynamoFraudReportStore(table);
const profiles = new DynamoRiskProfileStore(table);

export const handler = apiHandler(
  { role: 'merchant', path: { id: prefixedId('pay') }, idempotencyKey: true, body: createFraudReportBody },
  async ({ auth, idempotencyKey, body, method, path, event }) => {
    // 404 for another merchant's payment, exactly as for a missing one.
    const payment = await payments.getItem(auth.merchantId, event.pathParameters?.id ?? '');
    const { report, replayed } = await reports.create({
      merchantId: auth.merchantId,
      paymentId: payment.id,
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
