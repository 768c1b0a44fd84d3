/**
 * Stream consumer (filtered: INSERT of a payment or a refund): submits each new payment or refund to
 * its channel. The channel deduplicates by our reference, so a retried batch is harmless.
 *
 * Partial batch failures are hand-rolled (Powertools batch is not a dependency: ~15 lines do not
 * justify one). For a stream, Lambda resumes from the lowest reported sequence number, so reporting
 * every failed record is correct and the records before it are not sent twice.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ChannelError } from '../../shared/channels/errors.js';
import { createSandboxAdapter } from '../../shared/channels/sandbox/adapter.js';
import type { ChannelAdapter } from '../../shared/channels/types.js';
import { dispatchEnvSchema, loadEnv } from '../../shared/config/env.js';
import { injectLambdaContext, logger } from '../../shared/http/logger.js';
import { metadataOf, type PaymentItem, type RefundItem } from '../../shared/store/items.js';

const env = loadEnv(dispatchEnvSchema);
const adapters: Record<string, ChannelAdapter> = {
  sandbox: createSandboxAdapter({ pspUrl: env.SANDBOX_PSP_URL }),
};

async function dispatch(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return;
  const item = unmarshall(image as Record<string, AttributeValue>) as PaymentItem | RefundItem;
  if (item.entity !== 'payment' && item.entity !== 'refund') return;
  const adapter = adapters[item.channel];
  if (!adapter) {
    logger.error('no adapter for channel', { channel: item.channel, reference: item.id });
    return;
  }
  const { channelReference } =
    item.entity === 'payment'
      ? await adapter.submitPayment({
          reference: item.id,
          amount: item.amount,
          currency: item.currency,
          outcome: metadataOf(item).sandbox_outcome,
        })
      : await adapter.submitRefund({
          reference: item.id,
          paymentReference: item.paymentId,
          amount: item.amount,
          currency: item.currency,
          outcome: item.sandboxOutcome,
        });
  // The reference is not written back: the channel's callback carries it, and a write here would
  // cost one more write unit per payment for nothing.
  logger.info('submitted to channel', { entity: item.entity, reference: item.id, channelReference });
}

/** Submits a batch; exported for tests that drive it without middy. */
export async function processBatch(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const results = await Promise.allSettled(event.Records.map(dispatch));
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    const error = result.reason;
    const sequenceNumber = event.Records[i]?.dynamodb?.SequenceNumber;
    // A channel that refuses the request for good would refuse every retry: log it and move on
    // rather than block the shard. Reconciliation finds the payment that never settled.
    if (error instanceof ChannelError && !error.retryable) {
      logger.error('channel refused submission', { error, sequenceNumber });
      return;
    }
    logger.warn('submission failed, will retry', { error: error as Error, sequenceNumber });
    if (sequenceNumber) batchItemFailures.push({ itemIdentifier: sequenceNumber });
  });
  return { batchItemFailures };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(processBatch);
