/**
 * Table stream consumer (filtered: INSERT or MODIFY of a payment or a refund): derives the events each
 * committed change announces and puts them on the `payments` bus, in stream order.
 *
 * On the one batch wrapper (shared/events/batch.ts), reading records in order and handling them all at
 * once: the events of several records are packed into each PutEvents request (up to 10 entries: a tenth
 * of the requests), and the batch stops at the first record it cannot read or publish. Lambda resumes a
 * stream batch from the lowest sequence number reported, so the failed record and every later one are
 * reported, and nothing after a gap is skipped; events already published are published again on the
 * retry with the same `eventId`, which consumers deduplicate on.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { eventBridgeClient } from '../../shared/aws/eventbridge.js';
import { loadEnv } from '../../shared/config/env.js';
import { type Read, streamConsumer } from '../../shared/events/batch.js';
import { eventsFromChange } from '../../shared/events/derive.js';
import { publisherEnvSchema } from '../../shared/events/env.js';
import { type PublishOptions, publishEvents } from '../../shared/events/publish.js';
import { logger } from '../../shared/http/logger.js';
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

/**
 * Publishes the events of the records read, in order, packed up to 10 per request; answers the index of
 * the first record whose events are not all on the bus.
 */
async function publish(read: readonly Read<PaymentsEvent[]>[]): Promise<number | undefined> {
  const events = read.flatMap(({ item }) => item);
  /** readOf[i] = index in `read` of the record event i was derived from. */
  const readOf = read.flatMap(({ item }, index) => item.map(() => index));
  const { firstUnpublished } = await publishEvents(events, {
    client: eventBridgeClient(),
    eventBusName: env.EVENT_BUS_NAME,
    ...retryOptions,
    onFailedTry: (info) => logger.warn('PutEvents entries failed', { ...info, error: info.error as Error }),
  });
  const failedFrom = firstUnpublished === undefined ? undefined : readOf[firstUnpublished];
  logger.info('published', {
    records: read.length,
    events: firstUnpublished ?? events.length,
    failedFromRecord: failedFrom === undefined ? undefined : read[failedFrom]?.index,
  });
  return failedFrom;
}

/**
 * Publishes a batch. A record we cannot read is retried and, after the mapping's last try, sent to its
 * DLQ: never skipped; the events of the records before it are published first.
 */
export const processBatch = streamConsumer({ name: 'publisher', parse: eventsOf, handleAll: publish });

export const handler = processBatch;
