/**
 * A Lambda event source mapping on an SQS queue, as the Lambda pollers run it: long-poll the queue,
 * gather up to `BatchSize` messages within `MaximumBatchingWindowInSeconds`, drop (delete) the ones the
 * filter criteria reject, invoke the function with the SQS event, then delete what succeeded. A thrown
 * error (or timeout) fails the whole batch; with `ReportBatchItemFailures` the listed messages stay (a
 * malformed response fails the whole batch, as in AWS). Failed messages come back when their visibility
 * timeout runs out (whatever the function set with ChangeMessageVisibility), and the queue's redrive
 * policy moves them to the dead-letter queue after `maxReceiveCount` receives.
 */
import type { SqsMapping } from './event-wiring.js';
import { matchesAnyPattern } from './filter-pattern.js';
import type { InvokeResult } from './lambda-runner.js';
import type { Logger } from './log.js';
import type { LocalMetering } from './metering.js';
import type { RequestGate } from './request-gate.js';
import type { LocalQueue, SqsBroker, SqsMessage } from './sqs.js';

export interface LambdaSqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, unknown>;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** The record Lambda hands the function for one received message. */
export function toLambdaSqsRecord(message: SqsMessage, queue: LocalQueue, region: string): LambdaSqsRecord {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentTimestamp),
    SenderId: message.senderId,
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
  };
  if (message.deadLetterQueueSourceArn)
    attributes.DeadLetterQueueSourceArn = message.deadLetterQueueSourceArn;
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(message.messageAttributes)) {
    messageAttributes[name] = {
      ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { binaryValue: a.BinaryValue } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: a.DataType,
    };
  }
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle as string,
    body: message.body,
    attributes,
    messageAttributes,
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: region,
  };
}

/** What filter criteria see: the record, with a JSON body parsed (so patterns can reach into `body`). */
function filterView(record: LambdaSqsRecord): unknown {
  try {
    const body = JSON.parse(record.body) as unknown;
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) return { ...record, body };
  } catch {
    // A plain-text body is matched as a string.
  }
  return record;
}

/**
 * The messages of `records` to delete after an invocation: all on success, none on a function error,
 * all but the reported ones with ReportBatchItemFailures (none when the report is malformed).
 */
export function succeededRecords(
  records: readonly LambdaSqsRecord[],
  result: { ok: boolean; payload?: unknown },
  reportBatchItemFailures: boolean,
): LambdaSqsRecord[] {
  if (!result.ok) return [];
  if (!reportBatchItemFailures) return [...records];
  const payload = result.payload;
  if (payload === null || typeof payload !== 'object') return [...records];
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return [...records];
  if (!Array.isArray(failures)) return [];
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !id || !records.some((r) => r.messageId === id)) return [];
    failed.add(id);
  }
  return records.filter((r) => !failed.has(r.messageId));
}

export interface SqsPollerOptions {
  readonly broker: SqsBroker;
  readonly queue: LocalQueue;
  readonly mapping: SqsMapping;
  readonly region: string;
  readonly invoke: (event: { Records: LambdaSqsRecord[] }) => Promise<InvokeResult>;
  readonly log: Logger;
  /** Long-poll wait per receive, seconds (Lambda uses 20). */
  readonly waitTimeSeconds?: number;
  /** Counts receives (empty or not) and deletes when given (the bench). */
  readonly metering?: LocalMetering;
  /**
   * Requests first: each batch waits for a moment with no request in flight (bounded), before its
   * receive, so a received message never waits out part of its visibility timeout here.
   */
  readonly gate?: RequestGate;
}

export class SqsPoller {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: SqsPollerOptions) {}

  start(): void {
    this.loops = Array.from({ length: Math.max(1, this.options.mapping.maximumConcurrency) }, () =>
      this.run(),
    );
  }

  /** Stops receiving at once; resolves when in-flight batches have ended. */
  stop(): Promise<void> {
    this.abort.abort();
    return Promise.all(this.loops).then(() => undefined);
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.options.gate?.quiet(this.abort.signal);
        if (this.stopped) break;
        const messages = await this.gather();
        if (messages.length > 0 && !this.stopped) await this.deliver(messages);
      } catch (error) {
        if (this.stopped) break;
        this.options.log.error(
          `${this.options.mapping.logicalId}: ${(error as Error).stack ?? String(error)}`,
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** One batch: the first receive long-polls; more receives fill it until full or the window ends. */
  private async gather(): Promise<SqsMessage[]> {
    const { broker, queue, mapping } = this.options;
    const signal = this.abort.signal;
    const first = await broker.receive(queue, {
      maxNumberOfMessages: Math.min(10, mapping.batchSize),
      waitTimeSeconds: this.options.waitTimeSeconds ?? 20,
      signal,
    });
    this.options.metering?.pollerReceive(first);
    const batch = [...first];
    if (batch.length === 0 || mapping.maximumBatchingWindowInSeconds === 0) return batch;
    const deadline = Date.now() + mapping.maximumBatchingWindowInSeconds * 1000;
    while (batch.length < mapping.batchSize && !this.stopped) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const more = await broker.receive(queue, {
        maxNumberOfMessages: Math.min(10, mapping.batchSize - batch.length),
        waitTimeSeconds: Math.min(20, Math.ceil(remaining / 1000)),
        signal: AbortSignal.any([signal, AbortSignal.timeout(remaining)]),
      });
      this.options.metering?.pollerReceive(more);
      batch.push(...more);
    }
    return batch;
  }

  private async deliver(messages: SqsMessage[]): Promise<void> {
    const { broker, queue, mapping, region, log } = this.options;
    const records = messages.map((m) => toLambdaSqsRecord(m, queue, region));
    const selected: LambdaSqsRecord[] = [];
    for (const record of records) {
      // Lambda deletes the messages its filter criteria reject.
      if (matchesAnyPattern(mapping.filters, filterView(record))) selected.push(record);
      else broker.delete(queue, record.receiptHandle);
    }
    this.options.metering?.pollerDelete(records.length - selected.length);
    if (selected.length === 0) return;
    const result = await this.options.invoke({ Records: selected });
    if (this.stopped && !result.ok) return;
    const done = succeededRecords(selected, result, mapping.reportBatchItemFailures);
    for (const record of done) broker.delete(queue, record.receiptHandle);
    this.options.metering?.pollerDelete(done.length);
    const failed = selected.length - done.length;
    if (failed > 0) {
      log.info(
        `${mapping.logicalId} → ${mapping.functionLogicalId}: ${failed} of ${selected.length} message(s) failed` +
          `${result.ok ? ' (batch item failures)' : ' (function error)'}; they return after their visibility timeout`,
      );
    }
  }
}
