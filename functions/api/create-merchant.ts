/**
 * POST /v1/ops/merchants (ops key, Idempotency-Key): onboards a merchant, pending review. 201 with the
 * merchant; a retry with the same key and body replays the first answer (`Idempotent-Replayed: true`).
 * One TransactWriteItems (store/dynamodb/merchants.ts).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { createMerchantBody } from '../../shared/schemas/merchants.js';
import { DynamoMerchantStore } from '../../shared/store/dynamodb/merchants.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(tableEnvSchema);
const merchants = new DynamoMerchantStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', idempotencyKey: true, body: createMerchantBody },
  async ({ auth, idempotencyKey, body, method, path }) => {
    const { merchant, replayed } = await merchants.create({
      callerId: auth.merchantId,
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, body),
      body,
      now: new Date(),
    });
    return json(201, merchant, replayed ? { 'Idempotent-Replayed': 'true' } : {});
  },
);
