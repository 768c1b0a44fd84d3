/**
 * SQS consumer of the risk rule (PaymentCreated): risk during (shared/risk/assess-payment.ts).
 * Idempotent per event and per payment: a redelivery counts nothing twice and writes the same outcome,
 * and completes what the decision still owes (the refund of a rejected succeeded payment), so a crash
 * between the decision and the refund is repaired by SQS redelivering the message. No other event is
 * needed: a payment rejected while processing is canceled in the same write as its decision, so it
 * cannot succeed later, and one that succeeded first is refunded when it is assessed.
 *
 * The day's summary is written once per batch and merchant-day (risk-summaries.ts `SummaryBatch`), and a
 * merchant's profile is read at most once a second per container (RISK_PROFILE_CACHE_MS), so neither
 * takes a request per payment of a busy merchant.
 *
 * The messages that failed are reported (shared/events/batch.ts); SQS redelivers only those and,
 * after `maxReceiveCount` receives, moves them to the DLQ. A message that is not a valid event fails too, so
 * it ends in the DLQ for ops rather than being dropped.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { sqsConsumer } from '../../shared/events/batch.js';
import { detailOf, envelopeOf } from '../../shared/events/envelope.js';
import { InvalidEventError } from '../../shared/events/errors.js';
import { logger } from '../../shared/http/logger.js';
import { assessPayment, type RiskControlDeps } from '../../shared/risk/assess-payment.js';
import { cachePerContainer } from '../../shared/store/container-cache.js';
import { DynamoPaymentRiskStore } from '../../shared/store/dynamodb/payment-risk.js';
import { DynamoRiskAssessmentStore } from '../../shared/store/dynamodb/risk-assessments.js';
import { DynamoRiskProfileStore } from '../../shared/store/dynamodb/risk-profiles.js';
import { DynamoRiskSummaryStore } from '../../shared/store/dynamodb/risk-summaries.js';
import type { TableContext } from '../../shared/store/dynamodb/table.js';

/**
 * What this consumer needs of a PaymentCreated detail (a subset of shared/schemas/events.ts; unknown
 * fields ignored): the payment is read from the table, so the decision is taken on its current state,
 * not the event's.
 */
const riskDetailSchema = z.object({
  eventId: z.string().check(z.minLength(1)),
  merchantId: z.string(),
  data: z.object({ payment: z.object({ id: z.string().check(z.startsWith('pay_')) }) }),
});

type RiskDetail = z.infer<typeof riskDetailSchema>;

/** Reads one SQS message. @throws InvalidEventError when it is not a PaymentCreated event of ours. */
export function parseRiskMessage(body: string): RiskDetail {
  const envelope = envelopeOf(body);
  if (envelope.detailType !== 'PaymentCreated') {
    throw new InvalidEventError(`not a risk event: ${envelope.detailType}`);
  }
  return detailOf(envelope, riskDetailSchema);
}

/**
 * How long a container applies a merchant's effective profile (rating included) without reading it again:
 * a change applies to payments assessed more than this after it. 1 s keeps the contract's "a PUT takes
 * effect for every new payment within 2 s" (create-payment caches it for 1 s as well), and a merchant at
 * 20,000 payments a second costs its `MER#` partition one Query per consumer container a second.
 */
export const RISK_PROFILE_CACHE_MS = 1_000;

/** Builds the consumer's dependencies on one table (tests pass DynamoDB Local's). */
export function riskControlDeps(table: TableContext): RiskControlDeps {
  return {
    payments: new DynamoPaymentRiskStore(table),
    counters: new DynamoRiskAssessmentStore(table),
    summaries: new DynamoRiskSummaryStore(table),
    profiles: new DynamoRiskProfileStore(table),
  };
}

/** The same with the profile cached per container for `ttlMs` (the Lambda handler's). */
export function cachedRiskControlDeps(table: TableContext, ttlMs = RISK_PROFILE_CACHE_MS): RiskControlDeps {
  const deps = riskControlDeps(table);
  const profile = cachePerContainer((merchantId) => deps.profiles.get(merchantId), { ttlMs });
  return { ...deps, profiles: { get: (merchantId) => profile(merchantId) } };
}

/** Handles one SQS message. @throws on an invalid event or a failed step (the message is retried). */
export async function handleRiskMessage(deps: RiskControlDeps, body: string): Promise<void> {
  return assess(deps, parseRiskMessage(body));
}

async function assess(deps: RiskControlDeps, detail: RiskDetail): Promise<void> {
  const paymentId = detail.data.payment.id;
  const outcome = await assessPayment(deps, { eventId: detail.eventId, paymentId });
  logger.info('risk assessment', {
    eventId: detail.eventId,
    paymentId,
    outcome: outcome.kind,
    ...(outcome.kind === 'assessed'
      ? { decision: outcome.assessment.decision, score: outcome.assessment.score, counted: outcome.counted }
      : {}),
    ...('refund' in outcome && outcome.refund ? { refundStatus: outcome.refund.status } : {}),
  });
}

let deps: RiskControlDeps | undefined;

function defaultDeps(): RiskControlDeps {
  if (!deps) {
    const env = loadEnv(tableEnvSchema);
    deps = cachedRiskControlDeps({ client: dynamoDbClient(), tableName: env.TABLE_NAME });
  }
  return deps;
}

/**
 * Processes a batch; exported for tests that pass their own dependencies. The assessments' summary
 * counts are written once the batch is done, one `ADD` per merchant-day. A failed summary write is
 * logged, not retried through the messages: their payments are assessed, and a redelivery would count
 * nothing (only the delivery whose write set `risk` counts), exactly as when a single write fails.
 */
export async function processBatch(
  event: SQSEvent,
  context?: Context,
  with_: RiskControlDeps = defaultDeps(),
): Promise<SQSBatchResponse> {
  const batch = with_.summaries instanceof DynamoRiskSummaryStore ? with_.summaries.batch() : undefined;
  const deps = batch ? { ...with_, summaries: batch } : with_;
  const response = await sqsConsumer({
    name: 'risk',
    parse: (record) => parseRiskMessage(record.body),
    handle: (detail) => assess(deps, detail),
  })(event, context);
  try {
    await batch?.flush();
  } catch (error) {
    logger.error('risk summary of a batch not written', { error: error as Error });
  }
  return response;
}

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processBatch(event, context);
