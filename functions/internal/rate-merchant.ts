/**
 * Risk's `rate-merchant` function (invoked synchronously by the gateway's merchant review): stores an
 * approved merchant's risk profile with its initial rating's limits (risk-ratings.ts), before the
 * approval makes the merchant active, so its first payment is checked with them. Idempotent.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type RateMerchantAnswer, rateMerchantRequest } from '../../shared/schemas/risk-functions.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { rateRiskProfile } from '../../shared/store/dynamodb/risk-ratings.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'rate-merchant',
  rateMerchantRequest,
  async ({ merchantId, riskRating }): Promise<RateMerchantAnswer> => {
    await rateRiskProfile(table, merchantId, riskRating);
    return { riskRating };
  },
);
