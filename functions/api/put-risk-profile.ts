/**
 * PUT /v1/ops/merchants/{merchantId}/risk-profile (ops): replaces the merchant's risk profile. Strict
 * validation (unknown fields 400, rejectScore ≥ reviewScore); an absent field takes its documented
 * default, so `{}` resets the profile. Idempotent by nature (the same body twice stores the same
 * profile): no Idempotency-Key. Answers 200 with the stored profile. create-payment applies it within
 * its profile cache TTL (1 s by default).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { riskProfileSchema } from '../../shared/schemas/risk-profile.js';
import { DynamoRiskProfileStore, MerchantNotFoundError } from '../../shared/store/dynamodb/risk-profiles.js';

const MERCHANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const env = loadEnv(tableEnvSchema);
const profiles = new DynamoRiskProfileStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', body: riskProfileSchema }, async ({ event, body }) => {
  const merchantId = event.pathParameters?.merchantId ?? '';
  // Merchant ids are ours (`m_…`): anything else names no merchant and answers 404 like an unknown one.
  if (!MERCHANT_ID.test(merchantId)) throw new MerchantNotFoundError(merchantId);
  return json(200, await profiles.put(merchantId, body));
});
