/**
 * SQS consumer of reconciliation runs (rule: ReconciliationRunStarted; batch size 1): executes the run
 * (shared/reconciliation/run.ts) against the statement ops uploaded or, failing that, the channel's own
 * (fetched through the channel registry's adapter, in the channel's format).
 * A run that ended (completed or failed) is left alone, so a redelivery does nothing. A transient error
 * (DynamoDB, a channel that is down) fails the message and SQS retries it; after the last receive the
 * message moves to the DLQ (alarmed) and the run is marked failed so ops see why.
 *
 * The daily schedule's events (source `aws.events`, detail-type `Scheduled Event`) arrive on the same
 * queue: they start, for each channel, the run of the latest UTC day whose statement the channel has ready
 * (shared/channels/statement-days.ts), once per day whatever the retries (the schedule, channel and day
 * make its Idempotency-Key); the run then arrives here like any other.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { s3Objects } from '../../shared/aws/s3-objects.js';
import { coreOutcomes } from '../../shared/channels/core-outcomes.js';
import { createChannelRegistry } from '../../shared/channels/default-registry.js';
import { STATEMENT_FACTORIES } from '../../shared/channels/factories.js';
import { lazyStatements } from '../../shared/channels/registry.js';
import { scheduledDayOf } from '../../shared/channels/statement-days.js';
import {
  applyOutcomesEnvSchema,
  channelDayOutcomesEnvSchema,
  loadEnv,
  reconcileRunEnvSchema,
  runReceivesEnvSchema,
  setHoldsEnvSchema,
} from '../../shared/config/env.js';
import { sqsConsumer } from '../../shared/events/batch.js';
import { envelopeOf } from '../../shared/events/envelope.js';
import { InvalidEventError } from '../../shared/events/errors.js';
import { logger } from '../../shared/http/logger.js';
import { emitMetrics } from '../../shared/http/metric-line.js';
import { invokedExpectations } from '../../shared/reconciliation/expectations.js';
import { executeRun, type ReconciliationDeps } from '../../shared/reconciliation/run.js';
import { statementFinder } from '../../shared/reconciliation/statements.js';
import { CHANNELS, type Channel } from '../../shared/schemas/channels.js';
import { holdRegistryOf } from '../../shared/services/risk-functions.js';
import { DynamoReconciliationStore } from '../../shared/store/dynamodb/reconciliation.js';

/** Max receives of the runs queue (infra/constructs/reconciliation.ts): the last one marks the run failed. */
const MAX_RECEIVES = loadEnv(runReceivesEnvSchema).RUNS_MAX_RECEIVE_COUNT;

/**
 * What this consumer needs of a message: a run to execute, or the schedule's tick. The detail is checked
 * by hand: it is one field, and a schema would only add to a bundle with little room under 300 KB.
 */
type RunMessage = { kind: 'run'; runId: string } | { kind: 'schedule'; time: string };

/** Reads one SQS message. @throws InvalidEventError for anything but a run or the schedule's tick. */
export function parseRunMessage(body: string): RunMessage {
  const envelope = envelopeOf(body);
  const runId = (envelope.detail as { data?: { run?: { id?: unknown } } } | null)?.data?.run?.id;
  if (envelope.detailType === 'ReconciliationRunStarted' && typeof runId === 'string')
    return { kind: 'run', runId };
  if (envelope.detailType === 'Scheduled Event' && envelope.time !== undefined)
    return { kind: 'schedule', time: envelope.time };
  throw new InvalidEventError(
    'not a reconciliation message (a ReconciliationRunStarted event or the schedule)',
  );
}

/**
 * The channels the daily schedule reconciles: those whose statement a run can fetch (below). Every channel
 * of the catalogue has one now (the sandbox PSP's CSV, Stripe's balance transactions, Alipay's and WeChat
 * Pay's trade bills, each through its adapter's `fetchStatement`); a channel added without one must be left
 * out here, or its run would only fail.
 */
export const SCHEDULED_CHANNELS: readonly Channel[] = CHANNELS;

let deps: ReconciliationDeps | undefined;
function defaultDeps(): ReconciliationDeps {
  if (!deps) {
    const env = loadEnv(reconcileRunEnvSchema);
    const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
    deps = {
      indexLagMs: env.OUTCOME_INDEX_LAG_MS,
      // Holds go to risk's hold registry through its function, one invocation per batch of findings.
      store: new DynamoReconciliationStore(
        table,
        holdRegistryOf(loadEnv(setHoldsEnvSchema).SET_HOLDS_FUNCTION_ARN),
      ),
      // The channel-day's applied outcomes are core's: asked of its function, page by page.
      expectations: invokedExpectations(
        loadEnv(channelDayOutcomesEnvSchema).CHANNEL_DAY_OUTCOMES_FUNCTION_ARN,
      ),
      // A repair is a channel's outcome: applied by core's function (the payment is core's), one per repair.
      outcomes: coreOutcomes(loadEnv(applyOutcomesEnvSchema).APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN),
      statement: statementFinder({
        objects: s3Objects(),
        bucket: env.STATEMENTS_BUCKET,
        // Each channel's own statement, in its own format (readStatement detects it), through its adapter
        // (statements only: no submissions or notification readers in this bundle). A statement may take
        // a while to stream: wait up to 30 s for each chunk.
        channels: lazyStatements(createChannelRegistry(STATEMENT_FACTORIES, { timeoutMs: 30_000 })),
      }),
    };
  }
  return deps;
}

/** Handles one message. @throws on a transient failure (retried). */
export async function handleRunMessage(
  with_: ReconciliationDeps,
  message: RunMessage,
  record: SQSRecord,
): Promise<void> {
  if (message.kind === 'schedule') {
    const fired = new Date(message.time);
    for (const channel of SCHEDULED_CHANNELS) {
      // Each channel's day once its statement is ready (statement-days.ts): yesterday for the sandbox,
      // the day before for the vendors.
      const day = scheduledDayOf(channel, fired);
      const started = await with_.store.createRun({
        callerId: 'schedule',
        idempotencyKey: `daily:${channel}:${day}`,
        requestFingerprint: `schedule:${channel}:${day}`,
        channel,
        date: day,
        now: new Date(),
      });
      logger.info('scheduled reconciliation run', { runId: started.body.id, channel, day });
    }
    return;
  }
  const { runId } = message;
  try {
    const run = await executeRun({ ...with_, executor: `lambda:${record.messageId}` }, runId);
    // The run's findings as metrics per channel (the dashboard's reconciliation row), in its end line.
    emitMetrics('reconciliation run ended', {
      dimensions: { channel: run.channel },
      metrics: {
        ReconciliationRuns: 1,
        ReconciliationRunsFailed: run.status === 'failed' ? 1 : 0,
        ReconciliationMatched: run.counts.matched,
        ReconciliationLocalMissing: run.counts.localMissing,
        ReconciliationChannelMissing: run.counts.channelMissing,
        ReconciliationMismatched: run.counts.mismatched,
        ReconciliationDuplicates: run.counts.duplicates,
        ReconciliationRepaired: run.repaired,
      },
      fields: { runId, status: run.status },
    });
  } catch (error) {
    const receives = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    if (receives >= MAX_RECEIVES) {
      const run = await with_.store.getRun(runId);
      if (run.status === 'running') {
        await with_.store.finishRun(run, {
          status: 'failed',
          counts: run.counts,
          repaired: 0,
          source: null,
          error: `gave up after ${receives} attempts: ${(error as Error).message}`,
          now: new Date(),
        });
      }
    }
    throw error;
  }
}

/** Processes a batch; exported for tests that pass their own dependencies. */
export function processBatch(
  event: SQSEvent,
  context?: Context,
  with_: ReconciliationDeps = defaultDeps(),
): Promise<SQSBatchResponse> {
  return sqsConsumer({
    name: 'reconcile-run',
    parse: (record) => parseRunMessage(record.body),
    handle: (message, record) => handleRunMessage(with_, message, record),
  })(event, context);
}

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processBatch(event, context);
