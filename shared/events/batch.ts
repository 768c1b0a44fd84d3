/**
 * The one way to consume a batch, as `apiHandler` is for the API: SQS queues and DynamoDB streams alike.
 * A consumer says how to read a record (`parse`, which throws on a record it cannot read and answers
 * `undefined` for one it has nothing to do with) and how to handle what it read; the wrapper reports
 * partial batch failures (Lambda `ReportBatchItemFailures`), logs each failure with the record's id and
 * one line per batch carrying its counts as CloudWatch metrics, and sets the logger's Lambda context.
 *
 * - SQS: every record is handled, concurrently, whatever the others do; the ones that failed are
 *   reported and SQS redelivers only them (then dead-letters them after the queue's maxReceiveCount). A
 *   batch whose every record failed is reported record by record too: an expected state (a dependency is
 *   down), not an invocation error.
 * - Streams: Lambda resumes a shard from the lowest sequence number reported, so the batch stops at the
 *   first record that failed and reports it with every later one; nothing after a gap is skipped.
 *   Independent records may still be handled together (`parallel`), and the batch still reports from
 *   its first failure on.
 * - A failure the consumer calls `skip` (a refusal that every retry would meet again) is logged and not
 *   reported.
 *
 * Hand-written rather than Powertools batch, measured: `BatchProcessor` adds 6.4 KB minified next to the
 * Logger (the risk consumer is at 294 KB of a 300 KB budget), and its stream processor handles every
 * record even after one failed, where a stream must stop. Metrics are a log line in CloudWatch's
 * embedded metric format for the same reason: Powertools Metrics adds 10.8 KB.
 */
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { logger } from '../http/logger.js';

/** What a failed record becomes: reported and retried, or logged and dropped. */
export type FailureKind = 'retry' | 'skip';

interface ConsumerOptions<R, T> {
  /** Names the consumer in its logs and its metrics' dimension. */
  readonly name: string;
  /** Reads a record. @throws when it cannot (the record fails); `undefined`: nothing to do, skipped. */
  readonly parse: (record: R) => T | undefined;
  /** What a failure means; every failure is retried unless this says `skip`. */
  readonly failure?: (error: unknown, record: R) => FailureKind;
}

export interface RecordConsumerOptions<R, T> extends ConsumerOptions<R, T> {
  /** Handles one record. @throws when it failed. */
  readonly handle: (item: T, record: R) => Promise<unknown>;
}

export interface StreamConsumerOptions<T> extends ConsumerOptions<DynamoDBRecord, T> {
  /** Handles one record. @throws when it failed. */
  readonly handle?: (item: T, record: DynamoDBRecord) => Promise<unknown>;
  /** Records are independent: handle them together rather than one after the other. */
  readonly parallel?: boolean;
  /**
   * Handles the read records at once, in order (for consumers that pack records into one call).
   * @returns the index of the first item not handled, undefined when all were.
   */
  readonly handleAll?: (items: readonly Read<T>[]) => Promise<number | undefined>;
}

/** A record and what was read from it. */
export interface Read<T> {
  readonly item: T;
  readonly record: DynamoDBRecord;
  readonly index: number;
}

type Outcome = 'handled' | 'ignored' | FailureKind;

/** An SQS consumer: every record handled, the failed ones reported. */
export function sqsConsumer<T>(options: RecordConsumerOptions<SQSRecord, T>) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    if (context) logger.addContext(context);
    const outcomes = await Promise.all(
      event.Records.map((record) => handleOne(options, record, record.messageId)),
    );
    const failed = event.Records.filter((_, i) => outcomes[i] === 'retry');
    recordBatch(options.name, outcomes);
    return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
  };
}

export interface SqsBatchConsumerOptions<T> extends ConsumerOptions<SQSRecord, T> {
  /** Handles every record read, at once (one aggregate write per batch). @throws when it failed. */
  readonly handleAll: (items: readonly T[]) => Promise<unknown>;
}

/**
 * An SQS consumer that folds its whole batch into one piece of work (counts aggregated per batch, so no
 * key takes a write per message): records it cannot read fail alone; when the work fails, every record
 * it covered is reported and redelivered.
 */
export function sqsBatchConsumer<T>(options: SqsBatchConsumerOptions<T>) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    if (context) logger.addContext(context);
    const parsed = event.Records.map((record) => parseOne(options, record, record.messageId));
    const outcomes: Outcome[] = parsed.map((p) => p.outcome ?? 'handled');
    const read = parsed.flatMap((p, index) => (p.outcome ? [] : [{ item: p.item as T, index }]));
    if (read.length > 0) {
      try {
        await options.handleAll(read.map((r) => r.item));
      } catch (error) {
        const kind = options.failure?.(error, event.Records[read[0]?.index ?? 0] as SQSRecord) ?? 'retry';
        logger.warn('batch failed', {
          consumer: options.name,
          records: read.length,
          kind,
          error: error as Error,
        });
        for (const { index } of read) outcomes[index] = kind;
      }
    }
    recordBatch(options.name, outcomes);
    return {
      batchItemFailures: event.Records.filter((_, i) => outcomes[i] === 'retry').map((r) => ({
        itemIdentifier: r.messageId,
      })),
    };
  };
}

/** A DynamoDB stream consumer: records in order, the first failed one and every later one reported. */
export function streamConsumer<T>(options: StreamConsumerOptions<T>) {
  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    if (context) logger.addContext(context);
    const records = event.Records;
    const outcomes: Outcome[] = [];
    let first = records.length;
    if (options.handleAll) {
      const read: Read<T>[] = [];
      for (const [index, record] of records.entries()) {
        const parsed = parseOne(options, record, idOf(record));
        if (parsed.outcome === 'retry') {
          first = index;
          break;
        }
        outcomes.push(parsed.outcome ?? 'handled');
        if (parsed.outcome === undefined) read.push({ item: parsed.item as T, record, index });
      }
      const unhandled = await options.handleAll(read);
      if (unhandled !== undefined) first = Math.min(first, read[unhandled]?.index ?? first);
    } else if (options.parallel) {
      outcomes.push(...(await Promise.all(records.map((r) => handleOne(options, r, idOf(r))))));
      const index = outcomes.indexOf('retry');
      if (index >= 0) first = index;
    } else {
      for (const [index, record] of records.entries()) {
        const outcome = await handleOne(options, record, idOf(record));
        outcomes.push(outcome);
        if (outcome === 'retry') {
          first = index;
          break;
        }
      }
    }
    outcomes.length = Math.min(outcomes.length, first);
    outcomes.push(...records.slice(first).map((): Outcome => 'retry'));
    recordBatch(options.name, outcomes);
    return { batchItemFailures: records.slice(first).map(sequenceNumberOf) };
  };
}

async function handleOne<R, T>(
  options: ConsumerOptions<R, T> & { readonly handle?: (item: T, record: R) => Promise<unknown> },
  record: R,
  id: string | undefined,
): Promise<Outcome> {
  const parsed = parseOne(options, record, id);
  if (parsed.outcome) return parsed.outcome;
  try {
    await options.handle?.(parsed.item as T, record);
    return 'handled';
  } catch (error) {
    return failed(options, error, record, id);
  }
}

function parseOne<R, T>(
  options: ConsumerOptions<R, T>,
  record: R,
  id: string | undefined,
): { item?: T; outcome?: Outcome } {
  try {
    const item = options.parse(record);
    return item === undefined ? { outcome: 'ignored' } : { item };
  } catch (error) {
    return { outcome: failed(options, error, record, id) };
  }
}

function failed<R>(
  options: ConsumerOptions<R, unknown>,
  error: unknown,
  record: R,
  id?: string,
): FailureKind {
  const kind = options.failure?.(error, record) ?? 'retry';
  const data = { consumer: options.name, record: id, error: error as Error };
  if (kind === 'skip') logger.error('record dropped: retrying would fail the same way', data);
  else logger.warn('record failed, will retry', data);
  return kind;
}

function idOf(record: DynamoDBRecord): string | undefined {
  return record.dynamodb?.SequenceNumber ?? record.eventID;
}

/** A stream record as Lambda identifies it. Without a sequence number, failing the batch retries it all. */
function sequenceNumberOf(record: DynamoDBRecord): { itemIdentifier: string } {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!sequenceNumber) throw new Error(`stream record ${record.eventID} has no sequence number`);
  return { itemIdentifier: sequenceNumber };
}

/**
 * One line per batch, its counts in CloudWatch's embedded metric format: the log line is the metric,
 * no PutMetricData call. Namespace `Payments`, dimension `consumer`.
 */
function recordBatch(name: string, outcomes: readonly Outcome[]): void {
  const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
  const counts = {
    BatchRecords: outcomes.length,
    BatchRecordsFailed: count('retry'),
    BatchRecordsDropped: count('skip'),
    BatchRecordsIgnored: count('ignored'),
  };
  logger.info('batch processed', {
    consumer: name,
    ...counts,
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: 'Payments',
          Dimensions: [['consumer']],
          Metrics: Object.keys(counts).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
  });
}
