/**
 * POST /v1/ops/merchants/{merchantId}/api-keys/{keyId}/roll `{ expiresInSeconds? }` (ops key): 201 a new
 * key (secret shown once); the old one turns `expiring` and keeps working until `expiresInSeconds` (default
 * 86400; 0 = now) have passed, then answers 401. An `Idempotency-Key` is accepted (a retry replays the new
 * key), not required: without one, a second roll of the same key answers 409 `api-key-not-active`.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { header } from '../../shared/http/api-event.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { readIdempotencyKey } from '../../shared/http/idempotency-key.js';
import { MERCHANT_ID, prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { rollApiKeyBody } from '../../shared/schemas/merchants.js';
import { DynamoMerchantApiKeyStore } from '../../shared/store/dynamodb/merchant-api-keys.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(tableEnvSchema);
const apiKeys = new DynamoMerchantApiKeyStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID, keyId: prefixedId('key') }, body: rollApiKeyBody },
  async ({ auth, event, params, body, method, path }) => {
    const idempotencyKey =
      header(event, 'idempotency-key') === undefined ? undefined : readIdempotencyKey(event);
    const { key, replayed } = await apiKeys.roll({
      merchantId: params.merchantId ?? '',
      keyId: params.keyId ?? '',
      expiresInSeconds: body.expiresInSeconds,
      callerId: auth.merchantId,
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, body),
      now: new Date(),
    });
    return json(201, key, replayed ? { 'Idempotent-Replayed': 'true' } : {});
  },
);
