/**
 * DELETE /v1/ops/merchants/{merchantId}/api-keys/{keyId} (ops key): revokes the key; it answers 401
 * within 10 s in every container (the key cache's bound, api-key-resolver.ts). Idempotent: 200 with the
 * key, `status: "revoked"`, at its first revocation time.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID, prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoMerchantApiKeyStore } from '../../shared/store/dynamodb/merchant-api-keys.js';

const env = loadEnv(tableEnvSchema);
const apiKeys = new DynamoMerchantApiKeyStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID, keyId: prefixedId('key') } },
  async ({ auth, params }) =>
    json(
      200,
      await apiKeys.revoke(
        params.merchantId ?? '',
        params.keyId ?? '',
        auth.keyId ?? auth.merchantId,
        new Date(),
      ),
    ),
);
