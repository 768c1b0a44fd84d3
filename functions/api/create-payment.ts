/**
 * POST /v1/payments: the risk before-checks, routing (the merchant's configuration, each listed channel's
 * facts, quota usage when a quota applies), then one conditional PutItem (also the idempotency record),
 * or one TransactWriteItems when counted risk limits or a quota apply (payment + counters).
 *
 * The risk profile, the routing configuration and the channels' facts are other services' items: each is
 * asked of its owner's function (risk's `merchant-risk-profile`, the channels' `routing-config` and
 * `channel-facts`) on a miss of this container's cache only, never per payment; the profile and the
 * configuration are asked in parallel, the channels' records and windows in one invocation.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { createPaymentEnvSchema, loadEnv } from '../../shared/config/env.js';
import { checkBefore, counterLimits } from '../../shared/domain/risk/before.js';
import { effectiveProfile } from '../../shared/domain/risk/rating.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { logger } from '../../shared/http/logger.js';
import { storedAnswer } from '../../shared/http/responses.js';
import { channelFactsInvoker } from '../../shared/internal/channel-facts.js';
import { merchantRiskProfileAnswerOf } from '../../shared/internal/merchant-risk-profile.js';
import { routingConfigAnswerOf } from '../../shared/internal/routing-config.js';
import {
  loadChannelFacts,
  routePayment,
  setChannelFactsSource,
  storedRoutingOf,
} from '../../shared/routing/route-payment.js';
import { type CreatePaymentBody, createPaymentBody } from '../../shared/schemas/payment.js';
import {
  channelQuotaExceeded,
  currencyNotSupported,
  type Problem,
  riskRejected,
} from '../../shared/schemas/problem-catalogue.js';
import { invokeFunction } from '../../shared/services/invoke.js';
import { refusalCounterOf } from '../../shared/services/risk-functions.js';
import { cachePerContainer } from '../../shared/store/container-cache.js';
import { channelFactsLoader } from '../../shared/store/dynamodb/channel-facts.js';
import { CachedChannelRecords } from '../../shared/store/dynamodb/channel-records.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { cachedQuotaUsage, quotaDay } from '../../shared/store/dynamodb/quota-usage.js';
import { cachingRiskProfiles } from '../../shared/store/dynamodb/risk-profile-reads.js';
import { idempotencySlot, requestFingerprint } from '../../shared/store/idempotency.js';
import type { CreatePaymentInput, PaymentStore } from '../../shared/store/ports.js';

const env = loadEnv(createPaymentEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const payments: PaymentStore = new DynamoPaymentStore(table);
// Breakers, fees and outcome windows of the listed channels, at most 1 s old (channel-records.ts), asked
// of the channels' channel-facts function on a miss: the records' and the windows' misses in one invocation.
const channelFacts = channelFactsInvoker(env.CHANNEL_FACTS_FUNCTION_ARN);
setChannelFactsSource(
  channelFactsLoader({
    records: new CachedChannelRecords((channels) => channelFacts.records(channels)),
    readWindows: channelFacts.windows,
  }),
);
// Cached per container for RISK_PROFILE_TTL_MS (default 1 s): a warm create stays one write round trip.
// A miss asks risk's merchant-risk-profile function; a failure answers as the Query's did: 500, or 503
// when the read was throttled (problem-errors.ts).
const riskProfile = cachingRiskProfiles(
  async (merchantId) => {
    const answer = await invokeFunction(env.MERCHANT_RISK_PROFILE_FUNCTION_ARN, { merchantId });
    const { profile, fraudReports } = merchantRiskProfileAnswerOf(answer);
    return effectiveProfile(profile, fraudReports);
  },
  { ttlMs: env.RISK_PROFILE_TTL_MS },
);
// Quota usage read at most every QUOTA_USAGE_TTL_MS (500 ms) per channel, this container's counts added.
const quotaUsage = cachedQuotaUsage(table, env.QUOTA_USAGE_TTL_MS);
// The same for the routing configuration (ROUTING_CONFIG_TTL_MS, default 1 s: a PUT applies within 2 s),
// asked of the channels' routing-config function on a miss.
const routingConfig = cachePerContainer(
  async (merchantId) =>
    routingConfigAnswerOf(await invokeFunction(env.ROUTING_CONFIG_FUNCTION_ARN, { merchantId }), merchantId),
  { ttlMs: env.ROUTING_CONFIG_TTL_MS },
);
// Refusals go to risk's daily summary through risk's function (the summary is risk's item).
const countRefusalAt = refusalCounterOf(env.COUNT_REFUSAL_FUNCTION_ARN);

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
    const [profile, config] = await Promise.all([
      riskProfile(auth.merchantId),
      routingConfig(auth.merchantId),
    ]);
    const verdict = checkBefore(profile, body);
    // Refused before any payment write: the refusal is stored at the key's slot (or the slot's first
    // answer replayed), so a retry answers the same.
    const answer = verdict.ok
      ? await createRouted({ ...input, counterLimits: counterLimits(profile, body) }, config)
      : await payments.refuse(input, riskRejected(verdict.reasons));
    await countRefusal(input, answer);
    return storedAnswer(answer);
  },
);

/**
 * Routes the payment, then stores it with its decision. A pinned payment its channel cannot take (over
 * the quota, or not in that currency) is a stored 422 refusal, replayed for the key like a risk refusal;
 * a payment no healthy channel can take is stored `failed` with `channel_unavailable` (201, and the
 * stream announces PaymentCreated then PaymentFailed).
 */
async function createRouted(input: CreatePaymentInput, config: Awaited<ReturnType<typeof routingConfig>>) {
  const { body } = input;
  const { decision, countQuota, quotaChannels } = await routePayment(
    {
      merchantId: input.merchantId,
      amount: body.amount,
      currency: body.currency,
      country: body.customer?.country,
      channel: body.channel,
      now: input.now,
    },
    {
      config,
      // Each listed channel's breaker, fees and outcome windows (setChannelFactsSource).
      loadFacts: loadChannelFacts,
      readQuotaUsage: (merchantId, currency, channels, now) =>
        quotaUsage.read(merchantId, currency, quotaDay(now), channels),
      random: Math.random(),
    },
  );
  const refusal = pinnedRefusal(decision.outcome, body);
  if (refusal) return payments.refuse(input, refusal);
  const answer = await payments.create({
    ...input,
    routing: storedRoutingOf(decision),
    countQuota,
    quotaChannels,
  });
  const { chosen } = decision;
  if (countQuota && chosen && answer.status === 201 && !answer.replayed)
    quotaUsage.counted(input.merchantId, body.currency, quotaDay(input.now), chosen, body.amount);
  return answer;
}

function pinnedRefusal(outcome: string, body: CreatePaymentBody): Problem | undefined {
  if (!body.channel) return undefined;
  if (outcome === 'quota_exceeded') return channelQuotaExceeded(body.channel, body.currency);
  if (outcome === 'currency_not_supported') return currencyNotSupported(body.channel, body.currency);
  return undefined;
}

/**
 * Hands a first risk refusal (not a replay) to risk's `count-refusal` function for the merchant's daily
 * risk summary: an asynchronous invocation, so the refused create waits only for Lambda to queue it
 * (Lambda retries a failed count twice; the function counts each refused request once, by its slot).
 * Best effort: the summary is for ops' eyes, and failing the merchant's request over it would be worse
 * than a count short.
 */
async function countRefusal(
  input: Pick<CreatePaymentInput, 'merchantId' | 'idempotencyKey' | 'body' | 'now'>,
  answer: Awaited<ReturnType<PaymentStore['create']>>,
): Promise<void> {
  const problem = answer.body as { type?: string; reasons?: string[] };
  if (answer.replayed || answer.status !== 422 || !problem.type?.endsWith('/risk-rejected')) return;
  try {
    await countRefusalAt({
      merchantId: input.merchantId,
      refusalId: idempotencySlot(input.merchantId, input.idempotencyKey),
      day: input.now.toISOString().slice(0, 10),
      amount: input.body.amount,
      currency: input.body.currency,
      reasons: problem.reasons ?? [],
    });
  } catch (error) {
    logger.warn('risk refusal not handed to the daily summary', { error: error as Error });
  }
}
