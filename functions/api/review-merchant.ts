/**
 * POST /v1/ops/merchants/{merchantId}/review `{ decision, riskRating?, note? }` (ops key): approve → active
 * with that rating (default medium) and its risk limits, reject → rejected. A merchant not pending review
 * → 409 `merchant-state-conflict`; of concurrent reviews exactly one wins. `riskRating` only matters to
 * an approval. 200 with the merchant. The rating's risk limits are risk's: its `rate-merchant` function
 * stores them (synchronously) before the approval is written (store/dynamodb/merchants.ts says why).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, rateMerchantEnvSchema, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { reviewMerchantBody } from '../../shared/schemas/merchants.js';
import { profileRaterOf } from '../../shared/services/risk-functions.js';
import { DynamoMerchantStore } from '../../shared/store/dynamodb/merchants.js';

const env = loadEnv(tableEnvSchema);
const merchants = new DynamoMerchantStore(
  { client: dynamoDbClient(), tableName: env.TABLE_NAME },
  profileRaterOf(loadEnv(rateMerchantEnvSchema).RATE_MERCHANT_FUNCTION_ARN),
);

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID }, body: reviewMerchantBody },
  async ({ auth, params, body }) => {
    const merchant = await merchants.change({
      merchantId: params.merchantId ?? '',
      command:
        body.decision === 'approve' ? { kind: 'approve', riskRating: body.riskRating } : { kind: 'reject' },
      by: auth.keyId ?? auth.merchantId,
      note: body.note ?? null,
      now: new Date(),
    });
    return json(200, merchant);
  },
);
