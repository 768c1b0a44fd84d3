/**
 * SQS consumer of PaymentSucceeded / PaymentFailed: counts each batch's outcomes per channel, per channel
 * and currency, and per merchant, channel and currency, in 5-minute buckets (channel health and
 * success_rate routing; shared/store/dynamodb/channel-outcome-counts.ts). The whole batch is one
 * aggregate: one UpdateItem per (scope, bucket), at a shard drawn per batch, never a write per payment.
 *
 * The channel counted is the payment's `channel`: where it succeeded or was declined. A payment that
 * failed because no channel would take it (`failureCode: channel_unavailable`) is not a decline of any
 * channel: the dispatcher already counted each unavailable submission, so it is not counted here.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { outcomeDetailSchema } from '../../shared/channels/outcome-reads.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { isRoutingChannel } from '../../shared/domain/routing/catalogue.js';
import { sqsBatchConsumer } from '../../shared/events/batch.js';
import { detailOf, envelopeOf } from '../../shared/events/envelope.js';
import { InvalidEventError } from '../../shared/events/errors.js';
import {
  type ChannelOutcomeCount,
  recordChannelOutcomes,
} from '../../shared/store/dynamodb/channel-outcome-counts.js';
import type { TableContext } from '../../shared/store/dynamodb/table.js';

/**
 * The outcome one message counts, or `undefined` when it counts none.
 * @throws InvalidEventError when it is not a payment outcome event of ours.
 */
export function outcomeOf(body: string): ChannelOutcomeCount | undefined {
  const envelope = envelopeOf(body);
  const outcome =
    envelope.detailType === 'PaymentSucceeded'
      ? 'succeeded'
      : envelope.detailType === 'PaymentFailed'
        ? 'failed'
        : undefined;
  if (!outcome) throw new InvalidEventError(`not a payment outcome: ${envelope.detailType}`);
  const detail = detailOf(envelope, outcomeDetailSchema);
  const { channel, currency, failureCode } = detail.data.payment;
  if (!isRoutingChannel(channel) || failureCode === 'channel_unavailable') return undefined;
  const at = Date.parse(detail.occurredAt);
  if (Number.isNaN(at)) throw new InvalidEventError('occurredAt is not a timestamp');
  return { channel, merchantId: detail.merchantId, currency, at, outcome };
}

let table: TableContext | undefined;

function defaultTable(): TableContext {
  table ??= { client: dynamoDbClient(), tableName: loadEnv(tableEnvSchema).TABLE_NAME };
  return table;
}

/** Processes a batch; exported for tests that pass their own table. */
export function processBatch(
  event: SQSEvent,
  context?: Context,
  on: TableContext = defaultTable(),
): Promise<SQSBatchResponse> {
  return sqsBatchConsumer({
    name: 'channel-health',
    parse: (record) => outcomeOf(record.body),
    handleAll: (outcomes) => recordChannelOutcomes(on, outcomes),
  })(event, context);
}

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processBatch(event, context);
