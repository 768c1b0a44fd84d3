/**
 * SQS consumer of the risk rule (PaymentCreated): risk during (shared/risk/assess-payment.ts).
 * Idempotent per event and per payment: a redelivery counts nothing twice and writes the same outcome,
 * and completes what the decision still owes (the refund of a rejected succeeded payment), so a crash
 * between the decision and the refund is repaired by SQS redelivering the message. No other event is
 * needed: a payment rejected while processing is canceled in the same write as its decision, so it
 * cannot succeed later, and one that succeeded first is refunded when it is assessed.
 *
 * The payment and its refunds are core's: the consumer scores the payment its event carries and never
 * reads core's item (an event without what the score reads is refused: shared/risk/payment-created-reads.ts);
 * the batch's decisions go to core's `apply-risk-decisions` function in ONE invoke per batch
 * (shared/risk/decision-round.ts), and this consumer keeps its own items (counters, the summary, review
 * holds) from the answers.
 *
 * The day's summary is written once per batch and merchant-day (risk-summaries.ts `SummaryBatch`), and a
 * merchant's profile is read once per batch (`profilesOfBatch`), so neither takes a request per payment of
 * a busy merchant.
 *
 * The messages that failed are reported (shared/events/batch.ts); SQS redelivers only those and,
 * after `maxReceiveCount` receives, moves them to the DLQ. A message that is not a valid event fails too, so
 * it ends in the DLQ for ops rather than being dropped.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type * as z from 'zod/mini';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { sqsConsumer } from '../../shared/events/batch.js';
import { detailOf, envelopeOf } from '../../shared/events/envelope.js';
import { InvalidEventError } from '../../shared/events/errors.js';
import { logger } from '../../shared/http/logger.js';
import type { RiskDecisionApplier } from '../../shared/risk/apply-decisions.js';
import { invokedRiskDecisions } from '../../shared/risk/apply-decisions-client.js';
import { assessPayment, type RiskControlDeps } from '../../shared/risk/assess-payment.js';
import { DecisionRound } from '../../shared/risk/decision-round.js';
import { paymentOfEvent, riskDetailSchema } from '../../shared/risk/payment-created-reads.js';
import type { RiskProfile } from '../../shared/schemas/risk-profile.js';
import { DynamoHoldStore } from '../../shared/store/dynamodb/holds.js';
import { DynamoRiskAssessmentStore } from '../../shared/store/dynamodb/risk-assessments.js';
import { DynamoRiskProfileStore } from '../../shared/store/dynamodb/risk-profiles.js';
import { DynamoRiskSummaryStore } from '../../shared/store/dynamodb/risk-summaries.js';
import type { TableContext } from '../../shared/store/dynamodb/table.js';

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
 * Builds the consumer's dependencies on one table (tests pass DynamoDB Local's). The decisions go to
 * core's function named by `APPLY_RISK_DECISIONS_FUNCTION_ARN`; without it (tests of this consumer alone
 * on a table) core's same code applies them in-process.
 */
export function riskControlDeps(
  table: TableContext,
  applyDecisionsArn: string | undefined = process.env.APPLY_RISK_DECISIONS_FUNCTION_ARN,
): RiskControlDeps {
  return {
    counters: new DynamoRiskAssessmentStore(table),
    summaries: new DynamoRiskSummaryStore(table),
    profiles: new DynamoRiskProfileStore(table),
    decisions: applyDecisionsArn ? invokedRiskDecisions(applyDecisionsArn) : inProcessDecisions(table),
    holds: new DynamoHoldStore(table),
  };
}

/**
 * Core's writes run in this process, for tests of the consumer alone on a table (no Lambda). Core's code is
 * loaded by a dynamic import of a computed name, which the bundler leaves alone: the write code is core's,
 * and ~28 KB the deployed consumer (which always has the ARN) never runs.
 */
const CORE_DECISIONS_MODULE = ['..', '..', 'shared', 'risk', 'decision-writes.js'].join('/');

function inProcessDecisions(table: TableContext): RiskDecisionApplier {
  type CoreDecisions = typeof import('../../shared/risk/decision-writes.js');
  let applier: Promise<RiskDecisionApplier> | undefined;
  return async (decisions) => {
    applier ??= (import(CORE_DECISIONS_MODULE) as Promise<CoreDecisions>).then((core) =>
      core.inProcessRiskDecisions(table),
    );
    return (await applier)(decisions);
  };
}

/**
 * The profiles of one batch: each merchant's read once, when its first payment of the batch is assessed.
 * The contract assesses "with the profile current at that moment": a profile kept across invocations
 * would miss a change (a fraud report's blocklisted email) made just before a payment, while one Query per
 * merchant and batch keeps a busy merchant's `RISK#` partition at a read per batch, not per payment.
 */
export function profilesOfBatch(profiles: RiskControlDeps['profiles']): RiskControlDeps['profiles'] {
  const read = new Map<string, Promise<RiskProfile>>();
  return {
    get: (merchantId, now) => {
      let profile = read.get(merchantId);
      if (!profile) {
        profile = profiles.get(merchantId, now);
        read.set(merchantId, profile);
        profile.catch(() => read.delete(merchantId));
      }
      return profile;
    },
  };
}

/** Handles one SQS message. @throws on an invalid event or a failed step (the message is retried). */
export async function handleRiskMessage(deps: RiskControlDeps, body: string): Promise<void> {
  return assess(deps, parseRiskMessage(body));
}

async function assess(deps: RiskControlDeps, detail: RiskDetail): Promise<void> {
  const paymentId = detail.data.payment.id;
  const outcome = await assessPayment(deps, { eventId: detail.eventId, payment: paymentOfEvent(detail) });
  logger.info('risk assessment', {
    eventId: detail.eventId,
    paymentId,
    outcome: outcome.kind,
    ...(outcome.kind === 'assessed'
      ? { decision: outcome.assessment.decision, score: outcome.assessment.score, counted: outcome.counted }
      : {}),
    ...('refundStatus' in outcome ? { refundStatus: outcome.refundStatus } : {}),
  });
}

let deps: RiskControlDeps | undefined;

function defaultDeps(): RiskControlDeps {
  if (!deps) {
    const env = loadEnv(tableEnvSchema);
    deps = riskControlDeps({ client: dynamoDbClient(), tableName: env.TABLE_NAME });
  }
  return deps;
}

/**
 * Processes a batch; exported for tests that pass their own dependencies. The messages' decisions go to
 * core in one call (`DecisionRound`: every message takes part, including one that does not parse or ends
 * without a decision, so none is waited for in vain). The assessments' summary counts are written once
 * the batch is done, one `ADD` per merchant-day. A failed summary write is logged, not retried through the
 * messages: their payments are assessed, and a redelivery would count nothing (only the delivery whose
 * write set `risk` counts), exactly as when a single write fails.
 */
export async function processBatch(
  event: SQSEvent,
  context?: Context,
  with_: RiskControlDeps = defaultDeps(),
): Promise<SQSBatchResponse> {
  const batch = with_.summaries instanceof DynamoRiskSummaryStore ? with_.summaries.batch() : undefined;
  const deps = {
    ...with_,
    profiles: profilesOfBatch(with_.profiles),
    ...(batch ? { summaries: batch } : {}),
  };
  const round = new DecisionRound(with_.decisions, event.Records.length);
  const response = await sqsConsumer({
    name: 'risk',
    parse: (record) => {
      try {
        return parseRiskMessage(record.body);
      } catch (error) {
        round.skip();
        throw error;
      }
    },
    handle: async (detail) => {
      const member = round.member();
      try {
        await assess({ ...deps, decisions: member.decisions }, detail);
      } finally {
        member.leave();
      }
    },
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
