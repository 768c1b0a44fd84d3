/**
 * The handler of an ops route that moves a merchant between `active` and `suspended` (suspend,
 * reinstate): `{ note? }`, the guarded change (shared/store/dynamodb/merchants.ts), 200 with the merchant;
 * a merchant in any other status → 409 `merchant-state-conflict`. The two routes differ only in the command.
 */
import { dynamoDbClient } from '../aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../config/env.js';
import { apiHandler } from '../http/api-handler.js';
import { MERCHANT_ID } from '../http/path-parameters.js';
import { json } from '../http/responses.js';
import { merchantNoteBody } from '../schemas/merchants.js';
import { DynamoMerchantStore } from '../store/dynamodb/merchants.js';

export function merchantStatusHandler(kind: 'suspend' | 'reinstate') {
  const env = loadEnv(tableEnvSchema);
  const merchants = new DynamoMerchantStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });
  return apiHandler(
    { role: 'ops', path: { merchantId: MERCHANT_ID }, body: merchantNoteBody },
    async ({ auth, params, body }) =>
      json(
        200,
        await merchants.change({
          merchantId: params.merchantId ?? '',
          command: { kind },
          by: auth.keyId ?? auth.merchantId,
          note: body.note ?? null,
          now: new Date(),
        }),
      ),
  );
}
