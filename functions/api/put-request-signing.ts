/**
 * PUT /v1/ops/merchants/{merchantId}/request-signing (ops): `{ required }`. Turning signing on answers
 * the new secret, once; putting `true` again keeps the secret and answers without it (idempotent, and a
 * secret is never shown twice); `false` forgets it. The merchant's routes apply it within 2 s.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { newRequestSigningSecret } from '../../shared/http/request-signature.js';
import { json } from '../../shared/http/responses.js';
import { requestSigningBody } from '../../shared/schemas/request-signing.js';
import { DynamoRequestSigningStore } from '../../shared/store/dynamodb/request-signing.js';

const env = loadEnv(tableEnvSchema);
const signing = new DynamoRequestSigningStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID }, body: requestSigningBody },
  async ({ params, body }) =>
    json(200, await signing.put(params.merchantId ?? '', body.required, newRequestSigningSecret)),
);
