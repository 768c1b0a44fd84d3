/** POST /v1/payments/{id}/refunds: one TransactWriteItems; business refusals are stored for replay. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { storedAnswer } from '../../shared/http/responses.js';
import { createRefundBody } from '../../shared/schemas/refund.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import type { RefundStore } from '../../shared/store/ports.js';

const env = loadEnv(tableEnvSchema);
const refunds: RefundStore = new DynamoRefundStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'merchant', path: { id: prefixedId('pay') }, idempotencyKey: true, body: createRefundBody },
  async ({ auth, idempotencyKey, body, method, path, event }) => {
    const answer = await refunds.create({
      merchantId: auth.merchantId,
      paymentId: event.pathParameters?.id ?? '',
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, body),
      amount: body.amount,
      reason: body.reason,
      now: new Date(),
    });
    return storedAnswer(answer);
  },
);
