/** POST /v1/payments: one conditional PutItem, which is also the idempotency record. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { storedAnswer } from '../../shared/http/responses.js';
import { createPaymentBody } from '../../shared/schemas/payment.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(tableEnvSchema);
const payments = new DynamoPaymentStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'merchant', idempotencyKey: true, body: createPaymentBody },
  async ({ auth, idempotencyKey, body, method, path }) => {
    const answer = await payments.create({
      merchantId: auth.merchantId,
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, body),
      body,
      now: new Date(),
    });
    return storedAnswer(answer);
  },
);
