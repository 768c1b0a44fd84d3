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
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { riskProfileSchema } from '../../shared/schemas/risk-profile.js';
import { DynamoRiskProfileStore } from '../../shared/store/dynamodb/risk-profiles.js';

const env = loadEnv(tableEnvSchema);
const profiles = new DynamoRiskProfileStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID }, body: riskProfileSchema },
  async ({ event, body }) => {
    const merchantId = event.pathParameters?.merchantId ?? '';
    return json(200, await profiles.put(merchantId, body));
  },
);
