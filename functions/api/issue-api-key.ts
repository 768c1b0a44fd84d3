/**
 * POST /v1/ops/merchants/{merchantId}/api-keys (ops key, Idempotency-Key): issues a key to an active
 * merchant. 201 `{ id: "key_…", secret: "sk_…", last4, createdAt, expiresAt: null, … }`, the secret shown
 * this once (a retry with the same key replays it; api-key-secrets.ts says how without storing it).
 * A merchant not active → 409 `merchant-not-active`. The secret is never logged.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoMerchantApiKeyStore } from '../../shared/store/dynamodb/merchant-api-keys.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(tableEnvSchema);
const apiKeys = new DynamoMerchantApiKeyStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', idempotencyKey: true, path: { merchantId: MERCHANT_ID } },
  async ({ auth, params, idempotencyKey, method, path }) => {
    const { key, replayed } = await apiKeys.issue({
      merchantId: params.merchantId ?? '',
      callerId: auth.merchantId,
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, {}),
      now: new Date(),
    });
    return json(201, key, replayed ? { 'Idempotent-Replayed': 'true' } : {});
  },
);
