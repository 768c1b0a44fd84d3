/**
 * Polls a DynamoDB Local table stream for one event source mapping, as the Lambda poller does: every
 * shard is read in order, a parent shard before its children; records are filtered, then delivered in
 * batches (see stream-batches.ts). Each mapping has its own iterators, like separate mappings in AWS.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { CheckpointStore } from './checkpoints.js';
import { matchesAnyPattern } from './filter-pattern.js';
import type { InvokeResult } from './lambda-runner.js';
import type { Logger } from './log.js';
import type { RequestGate } from './request-gate.js';
import { deliverRecords } from './stream-batches.js';
import { fromWireRecord, type LambdaStreamRecord } from './stream-event.js';
import type { StreamMapping } from './stream-mappings.js';
import type { StreamRecordsReader } from './stream-records.js';

export interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly mapping: StreamMapping;
  readonly region: string;
  readonly invoke: (event: { Records: readonly LambdaStreamRecord[] }) => Promise<InvokeResult>;
  readonly log: Logger;
  readonly pollIntervalMs?: number;
  /** Positions to resume from (and to record); a shard with a checkpoint resumes after it. */
  readonly checkpoints?: CheckpointStore;
  /**
   * Sends the OnFailure record (what Lambda sends an SQS destination about discarded records) to the
   * mapping's destination; absent when the destination is not emulated.
   */
  readonly onFailure?: (record: StreamFailureRecord) => void;
  /** Requests first: each round of polling waits for a moment with no request in flight (bounded). */
  readonly gate?: RequestGate;
  /** Reads the pages of records as plain JSON (stream-records.ts); `client` serves the other calls. */
  readonly records: StreamRecordsReader;
}

/** Lambda's invocation record for records a stream mapping gave up on (OnFailure destination). */
export interface StreamFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetryAttemptsExhausted';
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: 200;
    readonly executedVersion: '$LATEST';
    readonly functionError?: 'Unhandled';
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

interface ShardState {
  iterator?: string;
  lastSequence?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A running poller; `stop()` resolves once the current delivery (if any) has ended. */
export class StreamPoller {
  private stopped = false;
  private readonly active = new Map<string, ShardState>();
  private readonly finished = new Set<string>();
  private readonly seen = new Set<string>();
  private loop?: Promise<void>;
  private firstDescribe = true;

  constructor(private readonly options: StreamPollerOptions) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    const interval = this.options.pollIntervalMs ?? 200;
    let lastDescribe = 0;
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.options.gate?.quiet();
        if (this.stopped) break;
        if (Date.now() - lastDescribe > 1000 || this.active.size === 0) {
          await this.discoverShards();
          lastDescribe = Date.now();
        }
        let got = false;
        for (const [shardId, state] of [...this.active]) {
          if (this.stopped) break;
          got = (await this.pollShard(shardId, state)) || got;
        }
        failures = 0;
        if (!got) await sleep(interval);
      } catch (error) {
        if (this.stopped) break;
        failures += 1;
        this.options.log.error(
          `${this.options.mapping.logicalId}: stream polling failed: ${(error as Error).message}`,
        );
        await sleep(Math.min(interval * 2 ** failures, 5000));
      }
    }
  }

  private async discoverShards(): Promise<void> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await this.options.client.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    const ids = new Set(shards.map((s) => s.ShardId));
    for (const shard of shards) {
      const id = shard.ShardId as string;
      if (this.seen.has(id)) continue;
      const parent = shard.ParentShardId;
      // A child waits until its parent is read to the end, so a key's records stay in order.
      if (parent && ids.has(parent) && !this.finished.has(parent)) continue;
      this.seen.add(id);
      const checkpoint = this.options.checkpoints?.get(this.checkpointKey(id));
      if (checkpoint) {
        const resumed = await this.resumeAfter(id, checkpoint);
        if (resumed) {
          this.active.set(id, { iterator: resumed, lastSequence: checkpoint });
          continue;
        }
      }
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      if (this.firstDescribe && this.options.mapping.startingPosition === 'LATEST') {
        if (closed) {
          this.finished.add(id);
          continue;
        }
        this.active.set(id, { iterator: await this.iterator(id, 'LATEST') });
      } else {
        this.active.set(id, { iterator: await this.iterator(id, 'TRIM_HORIZON') });
      }
    }
    this.firstDescribe = false;
  }

  /**
   * An iterator after a saved checkpoint; undefined when the stream no longer has it (records older than
   * the 24-hour retention, after a long stop), in which case the shard starts from the mapping's starting
   * position.
   */
  private async resumeAfter(shardId: string, sequence: string): Promise<string | undefined> {
    try {
      return await this.iterator(shardId, 'AFTER_SEQUENCE_NUMBER', sequence);
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ValidationException') throw error;
      this.options.log.error(
        `${this.options.mapping.logicalId}: checkpoint ${sequence} of ${shardId} is gone from the stream ` +
          `(${name}); starting the shard from the mapping's starting position`,
      );
      return undefined;
    }
  }

  private async iterator(
    shardId: string,
    type: 'LATEST' | 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER',
    sequence?: string,
  ): Promise<string | undefined> {
    const out = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        SequenceNumber: sequence,
      }),
    );
    return out.ShardIterator;
  }

  /** Reads one page of a shard and delivers it; true when records came back. */
  private async pollShard(shardId: string, state: ShardState): Promise<boolean> {
    if (!state.iterator) {
      this.closeShard(shardId);
      return false;
    }
    let page: { records: LambdaStreamRecord[]; next: string | undefined };
    try {
      page = await this.page(state.iterator);
    } catch (error) {
      if ((error as Error).name !== 'ExpiredIteratorException') throw error;
      state.iterator = state.lastSequence
        ? await this.iterator(shardId, 'AFTER_SEQUENCE_NUMBER', state.lastSequence)
        : await this.iterator(shardId, 'TRIM_HORIZON');
      return false;
    }
    const records = page.records;
    if (records.length > 0) {
      const { mapping } = this.options;
      const selected = records.filter((r) => matchesAnyPattern(mapping.filters, r));
      if (selected.length > 0) {
        await deliverRecords(selected, mapping, (batch) => this.invoke(batch), {
          onDiscard: (discarded, attempts, reason) => this.discard(discarded, attempts, reason, shardId),
          // A stop in the middle of a page then replays only what was not processed yet.
          onProgress: (record) => this.checkpoint(shardId, state, record.dynamodb.SequenceNumber),
          sleep,
          stopped: () => this.stopped,
        });
      }
      if (this.stopped) return false;
      this.checkpoint(shardId, state, records[records.length - 1]?.dynamodb.SequenceNumber);
    }
    state.iterator = page.next;
    if (!state.iterator) this.closeShard(shardId);
    return records.length > 0;
  }

  /** A page of records after `iterator`, as Lambda delivers them. */
  private async page(iterator: string) {
    const { region, streamArn, records: reader } = this.options;
    const out = await reader.getRecords(iterator, 1000);
    return {
      records: (out.Records ?? []).map((r) => fromWireRecord(r, region, streamArn)),
      next: out.NextShardIterator,
    };
  }

  private async invoke(batch: readonly LambdaStreamRecord[]) {
    const result = await this.options.invoke({ Records: batch });
    return result.ok
      ? { ok: true as const, payload: result.payload }
      : { ok: false as const, error: result.error };
  }

  /** Records processed up to `sequence`: the mapping resumes after it, in this run and the next. */
  private checkpoint(shardId: string, state: ShardState, sequence: string | undefined): void {
    if (!sequence) return;
    state.lastSequence = sequence;
    this.options.checkpoints?.set(this.checkpointKey(shardId), sequence);
  }

  private checkpointKey(shardId: string): string {
    return `${this.options.mapping.logicalId} ${this.options.streamArn} ${shardId}`;
  }

  private closeShard(shardId: string): void {
    this.active.delete(shardId);
    this.finished.add(shardId);
  }

  private discard(
    records: readonly LambdaStreamRecord[],
    attempts: number,
    reason: string,
    shardId: string,
  ): void {
    const { mapping, log } = this.options;
    const first = records[0]?.dynamodb.SequenceNumber;
    const last = records[records.length - 1]?.dynamodb.SequenceNumber;
    const arrival = (r: LambdaStreamRecord | undefined) =>
      new Date((r?.dynamodb.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
    this.options.onFailure?.({
      requestContext: {
        requestId: randomUUID(),
        functionArn: mapping.functionLogicalId,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: attempts,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(reason === 'function error' ? { functionError: 'Unhandled' as const } : {}),
      },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first ?? '',
        endSequenceNumber: last ?? '',
        approximateArrivalOfFirstRecord: arrival(records[0]),
        approximateArrivalOfLastRecord: arrival(records[records.length - 1]),
        batchSize: records.length,
        streamArn: this.options.streamArn,
      },
    });
    log.error(
      `${mapping.logicalId} → ${mapping.functionLogicalId}: gave up on ${records.length} record(s) ` +
        `(sequence ${first}..${last}) after ${attempts} attempt(s), ${reason}; ` +
        `OnFailure destination: ${mapping.onFailure ?? 'none (records dropped)'}`,
    );
    for (const r of records) log.error(`  discarded ${r.eventName} ${JSON.stringify(r.dynamodb.Keys)}`);
  }
}
