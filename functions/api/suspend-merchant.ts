/**
 * POST /v1/ops/merchants/{merchantId}/suspend `{ note? }` (ops key): active → suspended: its keys answer 403 `merchant-suspended` within 10 s.
 * Any other status → 409 `merchant-state-conflict`. 200 with the merchant.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { merchantNoteBody } from '../../shared/schemas/merchants.js';
import { DynamoMerchantStore } from '../../shared/store/dynamodb/merchants.js';

const env = loadEnv(tableEnvSchema);
const merchants = new DynamoMerchantStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID }, body: merchantNoteBody },
  async ({ auth, params, body }) =>
    json(
      200,
      await merchants.change({
        merchantId: params.merchantId ?? '',
        command: { kind: 'suspend' },
        by: auth.keyId ?? auth.merchantId,
        note: body.note ?? null,
        now: new Date(),
      }),
    ),
);
