/**
 * The usage aggregator: invoked by the CloudWatch Logs subscription filters of the API functions' log
 * groups with a batch of usage lines (shared/usage/record.ts). It sums the batch per merchant, UTC day and
 * route and applies it once (shared/store/dynamodb/usage.ts: a marker per batch in the same transaction as
 * the counters), so a redelivered batch, an async retry or a replay counts nothing twice. A failure throws:
 * Lambda retries the asynchronous invocation twice, then the batch goes to the dead-letter queue (alarmed).
 * The ops redrive of that queue sends its messages (each the original event) to the replay queue, whose
 * SQS records this same handler applies, reporting the ones that failed.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { logger } from '../../shared/http/logger.js';
import { DynamoUsageStore } from '../../shared/store/dynamodb/usage.js';
import { aggregateUsage, batchIdOf } from '../../shared/usage/aggregate.js';
import { decodeLogsBatch } from '../../shared/usage/logs-batch.js';
import { parseUsageLine, type UsageRecord } from '../../shared/usage/record.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoUsageStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

/** Applies one subscription delivery, once. @throws when it cannot be applied (it is retried). */
async function applyDelivery(event: unknown): Promise<void> {
  const batch = decodeLogsBatch(event);
  // CloudWatch Logs checks a new destination with a control message: nothing to count.
  if (batch.messageType !== 'DATA_MESSAGE') return;
  const records: UsageRecord[] = [];
  let malformed = 0;
  for (const logEvent of batch.logEvents) {
    const record = parseUsageLine(logEvent.message);
    if (record) records.push(record);
    else malformed += 1;
  }
  if (malformed > 0)
    logger.warn('usage lines not counted: not usage records', { malformed, logGroup: batch.logGroup });
  const counts = aggregateUsage(records);
  const batchId = batchIdOf(
    batch.logGroup,
    batch.logEvents.map((e) => e.id),
  );
  const result = await store.applyBatch(batchId, counts);
  const oldest = Math.min(...batch.logEvents.map((e) => e.timestamp));
  logger.info('usage batch', {
    batchId,
    logGroup: batch.logGroup,
    records: records.length,
    counters: counts.length,
    ...result,
    lagMs: Number.isFinite(oldest) ? Date.now() - oldest : 0,
  });
  if (result.duplicates > 0)
    logger.warn('usage batch delivered again: not counted twice', { batchId, ...result });
}

const isSqsEvent = (event: unknown): event is SQSEvent =>
  Array.isArray((event as Partial<SQSEvent> | null)?.Records);

export const handler = async (event: unknown): Promise<SQSBatchResponse | undefined> => {
  if (!isSqsEvent(event)) {
    await applyDelivery(event);
    return undefined;
  }
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await applyDelivery(JSON.parse(record.body));
    } catch (error) {
      logger.error('replayed usage batch not applied', {
        messageId: record.messageId,
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
