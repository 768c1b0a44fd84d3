/**
 * POST /v1/payments: the risk before-checks, then one conditional PutItem (also the idempotency record),
 * or one TransactWriteItems when counted risk limits apply (payment + guarded counters).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { createPaymentEnvSchema, loadEnv } from '../../shared/config/env.js';
import { checkBefore, counterLimits } from '../../shared/domain/risk/before.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { logger } from '../../shared/http/logger.js';
import { storedAnswer } from '../../shared/http/responses.js';
import { createPaymentBody } from '../../shared/schemas/payment.js';
import { riskRejected } from '../../shared/schemas/problem-catalogue.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { cachingRiskProfiles, readRiskProfileView } from '../../shared/store/dynamodb/risk-profile-reads.js';
import { DynamoRiskSummaryStore, utcDay } from '../../shared/store/dynamodb/risk-summaries.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import type { PaymentStore } from '../../shared/store/ports.js';

const env = loadEnv(createPaymentEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const payments: PaymentStore = new DynamoPaymentStore(table);
const summaries = new DynamoRiskSummaryStore(table);
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
    const answer = verdict.ok
      ? await payments.create({ ...input, counterLimits: counterLimits(profile, body) })
      : await payments.refuse(input, riskRejected(verdict.reasons));
    await countRefusal(auth.merchantId, input.now, body, answer);
    return storedAnswer(answer);
  },
);

/**
 * Counts a first risk refusal (not a replay) in the merchant's daily risk summary. Best effort: the
 * summary is for ops' eyes, and failing the merchant's request over it would be worse than a count short.
 */
async function countRefusal(
  merchantId: string,
  now: Date,
  body: { amount: number; currency: string },
  answer: Awaited<ReturnType<PaymentStore['create']>>,
): Promise<void> {
  const problem = answer.body as { type?: string; reasons?: string[] };
  if (answer.replayed || answer.status !== 422 || !problem.type?.endsWith('/risk-rejected')) return;
  try {
    await summaries.recordRefusal(merchantId, utcDay(now), {
      amount: body.amount,
      currency: body.currency,
      reasons: problem.reasons ?? [],
    });
  } catch (error) {
    logger.warn('risk refusal not counted in the daily summary', { error: error as Error });
  }
}
