/**
 * Stream consumer (filtered: INSERT of a payment or a refund): submits each new payment or refund to
 * its channel. The channel deduplicates by our reference, so a retried batch is harmless.
 *
 * On the one batch wrapper (shared/events/batch.ts). Records are independent, so they are submitted
 * together; the batch reports its first failed record and every later one, from which Lambda resumes
 * the shard (the later ones may be submitted again: the channel deduplicates them). A channel that
 * refuses a submission for good would refuse every retry: it is logged and dropped rather than block
 * the shard; reconciliation finds the payment that never settled.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { ChannelError } from '../../shared/channels/errors.js';
import { createSandboxAdapter } from '../../shared/channels/sandbox/adapter.js';
import { type ChannelAdapter, outcomeHint } from '../../shared/channels/types.js';
import { dispatchEnvSchema, loadEnv } from '../../shared/config/env.js';
import { streamConsumer } from '../../shared/events/batch.js';
import { logger } from '../../shared/http/logger.js';
import { metadataOf, type PaymentItem, type RefundItem } from '../../shared/store/items.js';

const env = loadEnv(dispatchEnvSchema);
const adapters: Record<string, ChannelAdapter> = {
  sandbox: createSandboxAdapter({ pspUrl: env.SANDBOX_PSP_URL }),
};

/** The payment or refund a record inserted; anything else is not for the channels. */
function insertedItem(record: DynamoDBRecord): PaymentItem | RefundItem | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>) as PaymentItem | RefundItem;
  return item.entity === 'payment' || item.entity === 'refund' ? item : undefined;
}

async function submit(item: PaymentItem | RefundItem): Promise<void> {
  const adapter = item.channel ? adapters[item.channel] : undefined;
  if (!adapter) {
    logger.error('no adapter for channel', { channel: item.channel, reference: item.id });
    return;
  }
  const result =
    item.entity === 'payment'
      ? await adapter.submitPayment({
          reference: item.id,
          amount: item.amount,
          currency: item.currency,
          description: item.description,
          outcome: outcomeHint(metadataOf(item), adapter.name),
        })
      : await adapter.submitRefund({
          reference: item.id,
          paymentReference: item.paymentId,
          paymentAmount: item.amount,
          amount: item.amount,
          currency: item.currency,
          outcome: item.sandboxOutcome,
        });
  // The reference is not written back: the channel's callback carries it, and a write here would
  // cost one more write unit per payment for nothing.
  if (result.kind === 'accepted') {
    logger.info('submitted to channel', { entity: item.entity, reference: item.id, result });
    return;
  }
  if (result.kind === 'declined') {
    logger.error('channel refused the submission', { entity: item.entity, reference: item.id, result });
    throw new ChannelError('channel_rejected', result.message, false);
  }
  // Unavailable, or unknown (the channel deduplicates by our reference, so a retry is safe).
  throw new ChannelError('channel_unavailable', result.message, true);
}

/** Submits a batch; exported for tests. */
export const processBatch = streamConsumer({
  name: 'dispatch',
  parallel: true,
  parse: insertedItem,
  handle: submit,
  failure: (error) => (error instanceof ChannelError && !error.retryable ? 'skip' : 'retry'),
});

export const handler = processBatch;
