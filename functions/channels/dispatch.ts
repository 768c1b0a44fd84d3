/**
 * Stream consumer (filtered: INSERT of a payment or a refund): submits each new payment or refund to
 * its channel, failing over when the channel is unavailable (shared/channels/dispatcher.ts).
 *
 * On the one batch wrapper (shared/events/batch.ts). Records are independent, so they are dispatched
 * together; the batch reports its first failed record and every later one, from which Lambda resumes
 * the shard. A payment is read again before it is submitted, so a retried record goes where the
 * payment is now; a refund is deduplicated by the channel on our reference. Once per batch: the
 * unavailability seen goes to channel health, and every submission the channel has not settled yet gets
 * its delayed check (shared/channels/checker.ts).
 *
 * The payment and its refunds are core's: the dispatcher asks core's object-states function where the
 * batch's payments stand (one invocation per batch, shared/channels/object-states.ts) and has core's
 * apply-channel-outcomes function make its guarded moves (a failure, a failover, a status query's
 * outcome), all the batch's records' writes in one invocation (shared/channels/outcome-writer.ts). It
 * reads no item of core's.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { createCheckQueue, parseCheckDelays } from '../../shared/channels/check-queue.js';
import { coreOutcomes } from '../../shared/channels/core-outcomes.js';
import { createChannelRegistry } from '../../shared/channels/default-registry.js';
import {
  createDispatcher,
  DispatchBatch,
  type Dispatcher,
  needsState,
  type PaymentToDispatch,
  type UnavailableCount,
} from '../../shared/channels/dispatcher.js';
import { TRANSACTION_FACTORIES } from '../../shared/channels/factories.js';
import { batchStates } from '../../shared/channels/object-states.js';
import { lazyTransactions } from '../../shared/channels/registry.js';
import type { ChannelTransactions } from '../../shared/channels/types.js';
import {
  applyOutcomesEnvSchema,
  dispatcherEnvSchema,
  loadEnv,
  objectStatesEnvSchema,
} from '../../shared/config/env.js';
import { type BreakerPositionName, breakerPosition } from '../../shared/domain/breaker.js';
import { isRoutingChannel } from '../../shared/domain/routing/catalogue.js';
import { type Read, streamConsumer } from '../../shared/events/batch.js';
import { logger } from '../../shared/http/logger.js';
import { invokeObjectStates, type ObjectRef } from '../../shared/internal/object-states.js';
import { DynamoBreakerStore } from '../../shared/store/dynamodb/channel-breakers.js';
import { recordUnavailable as recordChannelUnavailable } from '../../shared/store/dynamodb/channel-outcome-counts.js';
import { channelRecords } from '../../shared/store/dynamodb/channel-records.js';
import { metadataOf, type PaymentItem, type RefundItem } from '../../shared/store/items.js';

const env = loadEnv(dispatcherEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const checks = createCheckQueue({
  queueUrl: env.CHANNEL_CHECKS_QUEUE_URL,
  delays: parseCheckDelays(env.CHANNEL_CHECK_DELAYS),
});
// Submissions and queries only: no notification readers or statement downloads in this bundle.
const adapters: Record<string, ChannelTransactions> = lazyTransactions(
  createChannelRegistry(TRANSACTION_FACTORIES),
);

// The breakers and channel settings share one per-container cache (≤ 1 s old, channel-records.ts).
const records = channelRecords(table);
const breakers = new DynamoBreakerStore(table, records);

/** A channel's breaker now; an unreadable store reads closed (fail open, as the breaker store does). */
async function positionOf(channel: string, now: number): Promise<BreakerPositionName> {
  if (!isRoutingChannel(channel)) return 'closed';
  try {
    const { breaker, settings } = await records.one(channel);
    return breakerPosition(breaker.state, settings.breaker, now).state;
  } catch (error) {
    logger.warn('breaker unreadable: closed assumed', { channel, error: error as Error });
    return 'closed';
  }
}

/** Where one batch's unavailability goes (channel health); one call per batch. */
let recordUnavailable = async (counts: readonly UnavailableCount[]): Promise<void> => {
  const at = Date.now();
  await recordChannelUnavailable(
    table,
    counts.flatMap(({ channel, merchantId, currency, n }) =>
      isRoutingChannel(channel)
        ? Array.from({ length: n }, () => ({ channel, merchantId, currency, at }))
        : [],
    ),
  );
};

/** Tests replace the per-batch health report. */
export function setUnavailableRecorder(fn: typeof recordUnavailable): void {
  recordUnavailable = fn;
}

const objectStates = invokeObjectStates(loadEnv(objectStatesEnvSchema).OBJECT_STATES_FUNCTION_ARN);
const writer = coreOutcomes(loadEnv(applyOutcomesEnvSchema).APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN);

type Inserted = (PaymentItem & Pick<PaymentToDispatch, 'routing'>) | RefundItem;

/**
 * The batch's dispatcher: where its payments stand is asked of core once, strongly consistent (a retried
 * batch must see the failover that just landed), for exactly the payments the dispatcher will read.
 */
function batchDispatcher(items: readonly Read<Inserted>[]): Dispatcher {
  const refs = items.flatMap(({ item }): ObjectRef[] =>
    item.entity === 'payment' && needsState(item) ? [{ kind: 'payment', id: item.id }] : [],
  );
  return createDispatcher({
    adapters,
    store: {
      ...batchStates(objectStates, refs, true),
      failOver: writer.failOver,
      failPayment: writer.failPayment,
      failRefund: writer.failRefund,
    },
    outcomes: writer,
    breakers,
    breakerPosition: positionOf,
    now: () => new Date(),
  });
}

/** The payment or refund a record inserted; anything else is not for the channels. */
function insertedItem(record: DynamoDBRecord): Inserted | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>) as Inserted;
  return item.entity === 'payment' || item.entity === 'refund' ? item : undefined;
}

async function dispatchOne(dispatcher: Dispatcher, item: Inserted, batch: DispatchBatch): Promise<void> {
  if (item.entity === 'refund') return dispatcher.dispatchRefund(item, batch);
  const sent = await dispatcher.dispatchPayment({ ...item, metadata: metadataOf(item) }, batch);
  logger.info('payment dispatched', { reference: item.id, channels: sent });
}

/** Dispatches the batch; the index of the first record not done, from which the stream retries. */
async function dispatchAll(items: readonly Read<Inserted>[]): Promise<number | undefined> {
  const batch = new DispatchBatch();
  const dispatcher = batchDispatcher(items);
  const results = await Promise.allSettled(
    items.map(({ item }) => writer.track(() => dispatchOne(dispatcher, item, batch))),
  );
  const first = results.findIndex((r) => r.status === 'rejected');
  for (const [i, r] of results.entries()) {
    if (r.status === 'rejected')
      logger.warn('dispatch failed, will retry', { reference: items[i]?.item.id, error: r.reason as Error });
  }
  // The checks are what keeps a lost submission from staying processing: without them the batch is not
  // done (a retry reads each payment again, so it resubmits only where the payment is now).
  try {
    await checks.send(batch.checks);
  } catch (error) {
    logger.error('channel checks not queued, the batch will be retried', { error: error as Error });
    return 0;
  }
  const counts = batch.unavailableCounts();
  // Health is not worth resubmitting a batch for: a failed report is logged and dropped.
  if (counts.length > 0)
    await recordUnavailable(counts).catch((error) => logger.warn('health report failed', { error }));
  return first >= 0 ? first : undefined;
}

/** Dispatches a batch; exported for tests. */
export const processBatch = streamConsumer({ name: 'dispatch', parse: insertedItem, handleAll: dispatchAll });

export const handler = processBatch;
