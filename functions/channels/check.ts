/**
 * SQS consumer of the channel checks (delayed messages the dispatcher sends per submission): asks the
 * channel about a payment or refund still processing once its bound has passed, and applies what it
 * learns (shared/channels/checker.ts). An unresolved check goes to the checks' dead-letter queue, whose
 * depth alarm tells ops; redriving it asks the channel once more.
 *
 * The objects checked are core's: where a batch's objects stand is asked of core's object-states
 * function once per batch (eventually consistent), and what a check learns is written by core's
 * apply-channel-outcomes function. It reads no table.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { createCheckQueue, parseCheckDelays, sendOne } from '../../shared/channels/check-queue.js';
import { createChecker, objectRefOf } from '../../shared/channels/checker.js';
import { coreOutcomes } from '../../shared/channels/core-outcomes.js';
import { createChannelRegistry } from '../../shared/channels/default-registry.js';
import type { ChannelCheck } from '../../shared/channels/dispatcher.js';
import { TRANSACTION_FACTORIES } from '../../shared/channels/factories.js';
import { batchStates } from '../../shared/channels/object-states.js';
import { lazyTransactions } from '../../shared/channels/registry.js';
import type { ChannelTransactions } from '../../shared/channels/types.js';
import {
  applyOutcomesEnvSchema,
  channelCheckEnvSchema,
  loadEnv,
  objectStatesEnvSchema,
} from '../../shared/config/env.js';
import { sqsConsumer } from '../../shared/events/batch.js';
import { logger } from '../../shared/http/logger.js';
import { invokeObjectStates } from '../../shared/internal/object-states.js';

const env = loadEnv(channelCheckEnvSchema);
// Submissions and queries only: no notification readers or statement downloads in this bundle.
const adapters: Record<string, ChannelTransactions> = lazyTransactions(
  createChannelRegistry(TRANSACTION_FACTORIES),
);
const queue = createCheckQueue({
  queueUrl: env.CHANNEL_CHECKS_QUEUE_URL,
  delays: parseCheckDelays(env.CHANNEL_CHECK_DELAYS),
});

const objectStates = invokeObjectStates(loadEnv(objectStatesEnvSchema).OBJECT_STATES_FUNCTION_ARN);
const writer = coreOutcomes(loadEnv(applyOutcomesEnvSchema).APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN);

async function unresolved(check: ChannelCheck, why: string): Promise<void> {
  // One metric line (embedded metric format) beside the DLQ: which channel leaves objects unresolved.
  logger.error('channel check unresolved', {
    check,
    why,
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: 'Payments',
          Dimensions: [['channel']],
          Metrics: [{ Name: 'ChannelChecksUnresolved', Unit: 'Count' }],
        },
      ],
    },
    channel: check.channel,
    ChannelChecksUnresolved: 1,
  });
  await sendOne(env.CHANNEL_CHECKS_DEAD_LETTER_QUEUE_URL, { ...check, why });
}

function parseCheck(body: string): ChannelCheck {
  const c = JSON.parse(body) as ChannelCheck;
  const valid =
    (c.kind === 'payment' || c.kind === 'refund') &&
    [c.reference, c.paymentId, c.channel, c.currency].every((v) => typeof v === 'string') &&
    Number.isSafeInteger(c.check);
  if (!valid) throw new Error('not a channel check');
  return c;
}

/**
 * One queue batch: the states of every object its checks read, asked of core in one invocation (a
 * message that does not parse asks nothing and fails alone); a failed invocation fails every check that
 * waited on it, and SQS redelivers them.
 */
export async function handler(event: SQSEvent, context?: Context) {
  const checks = event.Records.flatMap((record) => {
    try {
      return [parseCheck(record.body)];
    } catch {
      return [];
    }
  });
  const checker = createChecker({
    adapters,
    store: {
      ...batchStates(objectStates, checks.map(objectRefOf), false),
      failPayment: writer.failPayment,
      failRefund: writer.failRefund,
    },
    outcomes: writer,
    now: () => new Date(),
    maxChecks: env.CHANNEL_CHECK_MAX,
    reschedule: (check) => queue.send([check]),
    unresolved,
  });
  return sqsConsumer({
    name: 'channel-checks',
    parse: (record) => parseCheck(record.body),
    handle: async (check) => {
      const result = await writer.track(() => checker.check(check));
      logger.info('channel check', {
        reference: check.reference,
        channel: check.channel,
        check: check.check,
        result,
      });
    },
  })(event, context);
}
