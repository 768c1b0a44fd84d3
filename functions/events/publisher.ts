/**
 * Table stream consumer (filtered: INSERT or MODIFY of a payment or a refund): derives the events each
 * committed change announces and puts them on the `payments` bus, in stream order.
 *
 * Partial batch failures are hand-rolled rather than Powertools' `BatchProcessor(DynamoDBStreams)`:
 * that processor handles records one by one and independently (a failed record does not stop the later
 * ones), whereas this consumer packs the events of several records into each PutEvents request (up to
 * 10 entries: a tenth of the requests) and must stop at the first record it cannot publish. Lambda
 * resumes a stream batch from the lowest sequence number reported, so the failed record and every
 * later one are reported, and nothing after a gap is skipped; events already published are published
 * again on the retry with the same `eventId`, which consumers deduplicate on.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeClient } from '../../shared/aws/eventbridge.js';
import { loadEnv } from '../../shared/config/env.js';
import { eventsFromChange } from '../../shared/events/derive.js';
import { publisherEnvSchema } from '../../shared/events/env.js';
import { type PublishOptions, publishEvents } from '../../shared/events/publish.js';
import { injectLambdaContext, logger } from '../../shared/http/logger.js';
import type { PaymentsEvent } from '../../shared/schemas/events.js';

const env = loadEnv(publisherEnvSchema);

/** Retry timing; tests shorten it. */
export const retryOptions: Pick<PublishOptions, 'attempts' | 'delay'> = {};

const image = (value: unknown) => (value ? unmarshall(value as Record<string, AttributeValue>) : undefined);

function eventsOf(record: DynamoDBRecord): PaymentsEvent[] {
  return eventsFromChange({
    eventName: record.eventName,
    oldImage: image(record.dynamodb?.OldImage),
    newImage: image(record.dynamodb?.NewImage),
  });
}

/** Publishes a batch; exported for tests that drive it without middy. */
export async function processBatch(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const records = event.Records;
  const events: PaymentsEvent[] = [];
  /** recordOf[i] = index of the record event i was derived from. */
  const recordOf: number[] = [];
  let firstFailedRecord = records.length;

  for (const [index, record] of records.entries()) {
    try {
      for (const e of eventsOf(record)) {
        events.push(e);
        recordOf.push(index);
      }
    } catch (error) {
      // A record we cannot read is retried and, after the mapping's last try, sent to its DLQ: never skipped.
      logger.error('cannot derive events from record', { error: error as Error, eventID: record.eventID });
      firstFailedRecord = index;
      break;
    }
  }

  const publishable = events.filter((_, i) => (recordOf[i] as number) < firstFailedRecord);
  const { firstUnpublished } = await publishEvents(publishable, {
    client: eventBridgeClient(),
    eventBusName: env.EVENT_BUS_NAME,
    ...retryOptions,
    onFailedTry: (info) => logger.warn('PutEvents entries failed', { ...info, error: info.error as Error }),
  });
  if (firstUnpublished !== undefined) {
    firstFailedRecord = Math.min(firstFailedRecord, recordOf[firstUnpublished] as number);
  }

  logger.info('published', {
    records: records.length,
    events: firstUnpublished ?? publishable.length,
    failedFromRecord: firstFailedRecord < records.length ? firstFailedRecord : undefined,
  });
  return { batchItemFailures: failuresFrom(records, firstFailedRecord) };
}

/** The records from `first` on, as Lambda identifies them (their sequence numbers). */
function failuresFrom(records: DynamoDBRecord[], first: number): DynamoDBBatchResponse['batchItemFailures'] {
  return records.slice(first).map((record) => {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    // Without a sequence number the record cannot be reported: failing the whole batch retries it all.
    if (!sequenceNumber) throw new Error(`stream record ${record.eventID} has no sequence number`);
    return { itemIdentifier: sequenceNumber };
  });
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(processBatch);
