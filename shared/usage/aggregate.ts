/**
 * Pure aggregation of usage records into counters, and the identity of a delivered batch. A batch of log
 * events becomes a handful of counter increments (one per merchant, UTC day and route it holds), applied
 * once: the batch id is derived from the batch's content, so a redelivery of the same batch carries the
 * same id and its marker refuses it (shared/store/dynamodb/usage.ts).
 */
import { createHash } from 'node:crypto';
import type { UsageRecord } from './record.js';

/** What one batch adds to one merchant's route on one day. */
export interface UsageCount {
  readonly merchantId: string;
  /** `yyyy-mm-dd`, UTC. */
  readonly date: string;
  readonly route: string;
  readonly requests: number;
  /** Answers of status 400–599. */
  readonly errors: number;
  /** First 201s (objects created, replays excluded). */
  readonly created: number;
}

/** An answer counted as an error: 4xx and 5xx. */
export const isErrorStatus = (status: number) => status >= 400 && status <= 599;

/** Sums records per (merchant, UTC day, route), in a stable order (merchant, day, route). */
export function aggregateUsage(records: Iterable<UsageRecord>): UsageCount[] {
  const counts = new Map<
    string,
    { merchantId: string; date: string; route: string; r: number; e: number; c: number }
  >();
  for (const record of records) {
    const date = record.at.slice(0, 10);
    const key = `${record.merchantId}\u0000${date}\u0000${record.route}`;
    let count = counts.get(key);
    if (!count) {
      count = { merchantId: record.merchantId, date, route: record.route, r: 0, e: 0, c: 0 };
      counts.set(key, count);
    }
    count.r += 1;
    if (isErrorStatus(record.status)) count.e += 1;
    if (record.created) count.c += 1;
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, c]) => ({
      merchantId: c.merchantId,
      date: c.date,
      route: c.route,
      requests: c.r,
      errors: c.e,
      created: c.c,
    }));
}

/**
 * The id of a delivered batch: SHA-256 over its log group and its log events' ids (CloudWatch Logs gives
 * every event an id unique in its log group, and a redelivered batch carries the same events), sorted so
 * the order of delivery does not matter.
 */
export function batchIdOf(logGroup: string, eventIds: readonly string[]): string {
  const hash = createHash('sha256').update(logGroup, 'utf8');
  for (const id of [...new Set(eventIds)].sort()) hash.update(`\n${id}`, 'utf8');
  return hash.digest('hex');
}

/**
 * Partitions of a merchant's counters: a batch adds to one shard (from its id), so the writes of many
 * concurrent batches to one merchant's busy route spread over USAGE_SHARDS partition keys; a read sums them
 * (16 parallel Queries, for an ops route and monthly statements). 16, not 4: a batch's counter update is a
 * transaction (2 units), and batches per payment are only known at the rates a bench can run; at 4 shards
 * the bench's 20 payments a second put one merchant's ceiling near 10,000 a second.
 */
export const USAGE_SHARDS = 16;

export function usageShardOf(batchId: string): number {
  return Number.parseInt(batchId.slice(0, 8), 16) % USAGE_SHARDS;
}

/** TransactWriteItems takes 100 items: the batch marker and 99 counters. */
export const COUNTERS_PER_TRANSACTION = 99;

/** Splits counts into transactions of at most `size` counters, in order (deterministic per batch). */
export function transactionChunks<T>(counts: readonly T[], size = COUNTERS_PER_TRANSACTION): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < counts.length; i += size) chunks.push(counts.slice(i, i + size));
  return chunks;
}
