/**
 * Channels' outcome counts in 5-minute buckets (keys.ts `HLT#<scope>#<bucket>#<shard>`), the data behind
 * a channel's `health` (last hour, all merchants) and `success_rate` routing (this merchant's window, and
 * all merchants' in the currency as its fallback), without a hot key (DESIGN.md principle 6):
 *
 * - a writer adds a whole batch's outcomes at once: one UpdateItem `ADD` per (scope, bucket) the batch
 *   touches, never one per payment;
 * - at a shard drawn once per batch, so concurrent batches spread over CHANNEL_HEALTH_SHARDS partitions
 *   per scope and bucket (at 20,000 payments/s in batches of 100, 200 batches/s: 50 writes/s per key);
 * - readers fetch every shard of the window's 12 buckets with BatchGetItem and sum them.
 *
 * Counts are statistics, not money: a batch that SQS redelivers after a partial write may be counted
 * twice, which moves a rate by a fraction of a percent for one bucket; no count is ever needed exactly.
 */
import { BatchGetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { RoutingChannel } from '../../domain/routing/catalogue.js';
import {
  type CountedOutcome,
  DEFAULT_BUCKET_COUNT,
  DEFAULT_BUCKET_MS,
  emptyWindow,
  recordOutcome,
  type SuccessWindow,
} from '../../domain/routing/success-window.js';
import { logger } from '../../http/logger.js';
import { CHANNEL_HEALTH_SHARDS, keys } from '../keys.js';
import { backoffDelay, capacityParam, type Item, reportCapacity, sleep, type TableContext } from './table.js';

/** One outcome of one payment at one channel. */
export interface ChannelOutcomeCount {
  readonly channel: RoutingChannel;
  readonly merchantId: string;
  readonly currency: string;
  /** When it happened (epoch ms): its bucket. */
  readonly at: number;
  readonly outcome: CountedOutcome;
}

/** Buckets outlive the hour they are read for by a little, then DynamoDB's TTL removes them. */
const BUCKET_TTL_MS = DEFAULT_BUCKET_MS * DEFAULT_BUCKET_COUNT + 2 * 3_600_000;
const PARALLEL_WRITES = 8;
const BATCH_GET_ATTEMPTS = 5;

/** The scopes an outcome counts in: the channel, the channel in its currency, and the merchant's. */
export const scopes = {
  channel: (channel: string) => channel,
  currency: (channel: string, currency: string) => `${channel}#${currency}`,
  merchant: (channel: string, currency: string, merchantId: string) => `${channel}#${currency}#${merchantId}`,
};

const bucketOf = (at: number) => Math.floor(at / DEFAULT_BUCKET_MS) * DEFAULT_BUCKET_MS;

/**
 * Adds a batch's outcomes: one UpdateItem per (scope, bucket), at one shard for the whole batch.
 * @throws on a store error (a queue consumer's batch is retried).
 */
export async function recordChannelOutcomes(
  table: TableContext,
  outcomes: readonly ChannelOutcomeCount[],
  shard: number = Math.floor(Math.random() * CHANNEL_HEALTH_SHARDS),
): Promise<void> {
  const sums = new Map<string, { scope: string; bucket: number; counts: Record<CountedOutcome, number> }>();
  for (const o of outcomes) {
    const bucket = bucketOf(o.at);
    for (const scope of [
      scopes.channel(o.channel),
      scopes.currency(o.channel, o.currency),
      scopes.merchant(o.channel, o.currency, o.merchantId),
    ]) {
      const id = `${scope}|${bucket}`;
      let sum = sums.get(id);
      if (!sum) {
        sum = { scope, bucket, counts: { succeeded: 0, failed: 0, unavailable: 0 } };
        sums.set(id, sum);
      }
      sum.counts[o.outcome]++;
    }
  }
  const pending = [...sums.values()];
  const write = async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const { scope, bucket, counts } = next;
      const out = await table.client.send(
        new UpdateItemCommand({
          TableName: table.tableName,
          Key: marshall(keys.channelOutcomeCounts(scope, bucket, shard)),
          UpdateExpression:
            'ADD succeeded :s, failed :f, unavailable :u SET entity = :e, #scope = :scope, bucketStart = :b, expiresAt = :x',
          ExpressionAttributeNames: { '#scope': 'scope' },
          ExpressionAttributeValues: marshall({
            ':s': counts.succeeded,
            ':f': counts.failed,
            ':u': counts.unavailable,
            ':e': 'channelOutcomeCounts',
            ':scope': scope,
            ':b': bucket,
            ':x': Math.floor((bucket + BUCKET_TTL_MS) / 1000),
          }),
          ...capacityParam(table),
        }),
      );
      reportCapacity(table, 'channelOutcomeCounts.add', out.ConsumedCapacity);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, pending.length) }, write));
}

/**
 * Counts a batch of submissions that found their channel unavailable (the dispatcher, once per batch).
 * Never throws: a lost count must not fail the dispatch of payments; it is logged.
 */
export async function recordUnavailable(
  table: TableContext,
  unavailable: readonly Omit<ChannelOutcomeCount, 'outcome'>[],
): Promise<void> {
  if (unavailable.length === 0) return;
  try {
    await recordChannelOutcomes(
      table,
      unavailable.map((u) => ({ ...u, outcome: 'unavailable' as const })),
    );
  } catch (error) {
    logger.warn('channel unavailability not counted', { count: unavailable.length, error: error as Error });
  }
}

/** The windows of `scopeList` at `now` (12 buckets × every shard, BatchGetItem). @throws on a store error. */
export async function readWindows(
  table: TableContext,
  scopeList: readonly string[],
  now: number,
): Promise<Map<string, SuccessWindow>> {
  const newest = bucketOf(now);
  const wanted: Item[] = [];
  for (const scope of new Set(scopeList)) {
    for (let b = 0; b < DEFAULT_BUCKET_COUNT; b++) {
      for (let shard = 0; shard < CHANNEL_HEALTH_SHARDS; shard++) {
        wanted.push(marshall(keys.channelOutcomeCounts(scope, newest - b * DEFAULT_BUCKET_MS, shard)));
      }
    }
  }
  const windows = new Map<string, SuccessWindow>(scopeList.map((s) => [s, emptyWindow()]));
  for (const item of await batchGet(table, wanted)) {
    const scope = String(item.scope);
    const start = Number(item.bucketStart);
    let window = windows.get(scope) ?? emptyWindow();
    for (const outcome of ['succeeded', 'failed', 'unavailable'] as const) {
      const count = Number(item[outcome] ?? 0);
      if (count > 0) window = recordOutcome(window, start, outcome, count);
    }
    windows.set(scope, window);
  }
  return windows;
}

async function batchGet(table: TableContext, wanted: Item[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const chunks: Item[][] = [];
  for (let i = 0; i < wanted.length; i += 100) chunks.push(wanted.slice(i, i + 100));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_GET_ATTEMPTS) throw new Error('BatchGetItem left outcome counts unprocessed');
        if (attempt > 0) await sleep(backoffDelay(attempt));
        const out = await table.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [table.tableName]: {
                Keys: pending,
                ProjectionExpression: '#scope, bucketStart, succeeded, failed, unavailable',
                ExpressionAttributeNames: { '#scope': 'scope' },
              },
            },
            ...capacityParam(table),
          }),
        );
        reportCapacity(table, 'channelOutcomeCounts.read', out.ConsumedCapacity);
        for (const raw of out.Responses?.[table.tableName] ?? []) found.push(unmarshall(raw));
        pending = out.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
      }
    }),
  );
  return found;
}
