/**
 * SQS partial batch responses (Lambda `ReportBatchItemFailures`): every record is handled, concurrently,
 * whatever the others do, and the ones that threw are reported so SQS redelivers only them (and, after
 * the queue's maxReceiveCount, dead-letters them). The same semantics as Powertools' SQS
 * `BatchProcessor`, hand-written because that package is ~10 KB of each consumer's bundle, which the
 * risk consumer (next to the DynamoDB client, zod and the risk rules) cannot spare under 300 KB. A batch
 * whose every record failed is reported record by record too: an expected state (a dependency is down),
 * not an invocation error.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export async function processSqsBatch(
  event: SQSEvent,
  handle: (record: SQSRecord) => Promise<unknown>,
  onError?: (record: SQSRecord, error: unknown) => void,
): Promise<SQSBatchResponse> {
  const results = await Promise.allSettled(event.Records.map((record) => handle(record)));
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  results.forEach((result, i) => {
    const record = event.Records[i] as SQSRecord;
    if (result.status === 'fulfilled') return;
    onError?.(record, result.reason);
    batchItemFailures.push({ itemIdentifier: record.messageId });
  });
  return { batchItemFailures };
}
