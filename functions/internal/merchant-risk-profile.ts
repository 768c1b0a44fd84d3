/**
 * Risk's internal function for create-payment's before-checks (shared/internal/merchant-risk-profile.ts):
 * a merchant's stored risk profile and the fraud reports of its rating window, in one strongly consistent
 * Query of `RISK#<merchant>` (risk-profile-reads.ts), never cached here: create-payment caches what it
 * applies RISK_PROFILE_TTL_MS per container. Read-only.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  MERCHANT_RISK_PROFILE,
  type MerchantRiskProfileAnswer,
  merchantRiskProfileRequest,
} from '../../shared/internal/merchant-risk-profile.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { readRiskProfileView } from '../../shared/store/dynamodb/risk-profile-reads.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  MERCHANT_RISK_PROFILE,
  merchantRiskProfileRequest,
  async ({ merchantId }): Promise<MerchantRiskProfileAnswer> => {
    const { stored, fraudReports } = await readRiskProfileView(table, merchantId);
    return { profile: stored, fraudReports };
  },
);
