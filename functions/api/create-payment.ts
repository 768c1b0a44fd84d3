/**
 * POST /v1/payments: the risk before-checks, then one conditional PutItem (also the idempotency record),
 * or one TransactWriteItems when counted risk limits apply (payment + guarded counters).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { createPaymentEnvSchema, loadEnv } from '../../shared/config/env.js';
import { checkBefore, counterLimits } from '../../shared/domain/risk/before.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { storedAnswer } from '../../shared/http/responses.js';
import { createPaymentBody } from '../../shared/schemas/payment.js';
import { riskRejected } from '../../shared/schemas/problem-catalogue.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { cachingRiskProfiles, readRiskProfileView } from '../../shared/store/dynamodb/risk-profile-reads.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(createPaymentEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const payments = new DynamoPaymentStore(table);
// Cached per container for RISK_PROFILE_TTL_MS (default 1 s): a warm create stays one write round trip.
const riskProfile = cachingRiskProfiles(
  async (merchantId) => (await readRiskProfileView(table, merchantId)).effective,
  {
    ttlMs: env.RISK_PROFILE_TTL_MS,
  },
);

export const handler = apiHandler(
  { role: 'merchant', idempotencyKey: true, body: createPaymentBody },
  async ({ auth, idempotencyKey, body, method, path }) => {
    const input = {
      merchantId: auth.merchantId,
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, body),
      body,
      now: new Date(),
    };
    const profile = await riskProfile(auth.merchantId);
    const verdict = checkBefore(profile, body);
    // Refused before any payment write: the refusal is stored at the key's slot (or the slot's first
    // answer replayed), so a retry answers the same.
    if (!verdict.ok) return storedAnswer(await payments.refuse(input, riskRejected(verdict.reasons)));
    return storedAnswer(await payments.create({ ...input, counterLimits: counterLimits(profile, body) }));
  },
);
