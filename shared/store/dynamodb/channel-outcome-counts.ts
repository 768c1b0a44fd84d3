/**
 * Channels' outcome counts in 5-minute buckets (keys.ts `HLT#<scope>#<hour>#<shard>`), the data behind
 * a channel's `health` (last hour, all merchants) and `success_rate` routing (this merchant's window, and
 * all merchants' in the currency as its fallback), without a hot key (DESIGN.md principle 6):
 *
 * - a writer adds a whole batch's outcomes at once: one UpdateItem `ADD` per (scope, clock hour) the batch
 *   touches, never one per payment; an hour's item holds its twelve buckets as top-level numbers
 *   (`s<start>`, `f<start>`, `u<start>`), so a window of 12 buckets is at most two items per shard;
 * - at a shard drawn once per batch, so concurrent batches spread over CHANNEL_HEALTH_SHARDS partitions
 *   per scope and hour (at 20,000 payments/s in batches of 100, 200 batches/s: 50 writes/s per key);
 * - readers fetch both hours × every shard (8 keys a scope) with BatchGetItem and sum them. A key per
 *   bucket would cost 48 keys a scope: a routing read of a merchant's window and the currency's, for 4
 *   channels, would be 384 item reads instead of 64.
 *
 * Counts are statistics, not money: a batch that SQS redelivers after a partial write may be counted
 * twice, which moves a rate by a fraction of a percent for one bucket; no count is ever needed exactly.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
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
import { batchGetItems } from './batch-read.js';
import { countChannelOutcomes } from './channel-metrics.js';
import { capacityParam, type Item, reportCapacity, type TableContext } from './table.js';

/** One outcome of one payment at one channel. */
export interface ChannelOutcomeCount {
  readonly channel: RoutingChannel;
  readonly merchantId: string;
  readonly currency: string;
  /** When it happened (epoch ms): its bucket. */
  readonly at: number;
  readonly outcome: CountedOutcome;
}

/** Hours outlive the window they are read for by a little, then DynamoDB's TTL removes them. */
const HOUR_MS = 3_600_000;
const HOUR_TTL_MS = 3 * HOUR_MS;
/**
 * A channel's all-merchant hours are also the ops overview's last 24 hours (shared/ops/overview.ts): kept
 * a day longer. Four channels × 8 shards × 24 hours: a few hundred small items, whatever the traffic.
 */
export const OVERVIEW_HOURS = 24;
const CHANNEL_HOUR_TTL_MS = (OVERVIEW_HOURS + 2) * HOUR_MS;
const PARALLEL_WRITES = 8;
const OUTCOME_PREFIX: Record<CountedOutcome, string> = { succeeded: 's', failed: 'f', unavailable: 'u' };

/** The scopes an outcome counts in: the channel, the channel in its currency, and the merchant's. */
export const scopes = {
  channel: (channel: string) => channel,
  currency: (channel: string, currency: string) => `${channel}#${currency}`,
  merchant: (channel: string, currency: string, merchantId: string) => `${channel}#${currency}#${merchantId}`,
};

const bucketOf = (at: number) => Math.floor(at / DEFAULT_BUCKET_MS) * DEFAULT_BUCKET_MS;
const hourOf = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS;

/**
 * Adds a batch's outcomes: one UpdateItem per (scope, hour), at one shard for the whole batch.
 * @throws on a store error (a queue consumer's batch is retried).
 */
export async function recordChannelOutcomes(
  table: TableContext,
  outcomes: readonly ChannelOutcomeCount[],
  shard: number = Math.floor(Math.random() * CHANNEL_HEALTH_SHARDS),
): Promise<void> {
  /** (scope, hour) → attribute (`s<bucket start>`, …) → count. */
  const sums = new Map<string, { scope: string; hour: number; counts: Map<string, number> }>();
  for (const o of outcomes) {
    const bucket = bucketOf(o.at);
    const hour = hourOf(o.at);
    const attribute = `${OUTCOME_PREFIX[o.outcome]}${bucket}`;
    for (const scope of [
      scopes.channel(o.channel),
      scopes.currency(o.channel, o.currency),
      scopes.merchant(o.channel, o.currency, o.merchantId),
    ]) {
      const id = `${scope}|${hour}`;
      let sum = sums.get(id);
      if (!sum) {
        sum = { scope, hour, counts: new Map() };
        sums.set(id, sum);
      }
      sum.counts.set(attribute, (sum.counts.get(attribute) ?? 0) + 1);
    }
  }
  const pending = [...sums.values()];
  const write = async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const { scope, hour, counts } = next;
      const names: Record<string, string> = { '#scope': 'scope' };
      const values: Record<string, unknown> = {
        ':e': 'channelOutcomeCounts',
        ':scope': scope,
        ':h': hour,
        ':x': Math.floor((hour + (scope.includes('#') ? HOUR_TTL_MS : CHANNEL_HOUR_TTL_MS)) / 1000),
      };
      const adds = [...counts].map(([attribute, count], i) => {
        names[`#a${i}`] = attribute;
        values[`:a${i}`] = count;
        return `#a${i} :a${i}`;
      });
      const out = await table.client.send(
        new UpdateItemCommand({
          TableName: table.tableName,
          Key: marshall(keys.channelOutcomeCounts(scope, hour, shard)),
          UpdateExpression: `ADD ${adds.join(', ')} SET entity = :e, #scope = :scope, hourStart = :h, expiresAt = :x`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values),
          ...capacityParam(table),
        }),
      );
      reportCapacity(table, 'channelOutcomeCounts.add', out.ConsumedCapacity);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, pending.length) }, write));
  countChannelOutcomes(perChannel(outcomes));
}

function perChannel(outcomes: readonly ChannelOutcomeCount[]) {
  const counts = new Map<string, { succeeded: number; failed: number; unavailable: number }>();
  for (const o of outcomes) {
    const c = counts.get(o.channel) ?? { succeeded: 0, failed: 0, unavailable: 0 };
    c[o.outcome] += 1;
    counts.set(o.channel, c);
  }
  return counts;
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

/** The windows of `scopeList` at `now` (2 hours × every shard, BatchGetItem). @throws on a store error. */
export async function readWindows(
  table: TableContext,
  scopeList: readonly string[],
  now: number,
): Promise<Map<string, SuccessWindow>> {
  const newest = bucketOf(now);
  const hours = new Set([hourOf(newest), hourOf(newest - (DEFAULT_BUCKET_COUNT - 1) * DEFAULT_BUCKET_MS)]);
  const wanted: Item[] = [];
  for (const scope of new Set(scopeList)) {
    for (const hour of hours) {
      for (let shard = 0; shard < CHANNEL_HEALTH_SHARDS; shard++) {
        wanted.push(marshall(keys.channelOutcomeCounts(scope, hour, shard)));
      }
    }
  }
  const windows = new Map<string, SuccessWindow>(scopeList.map((s) => [s, emptyWindow()]));
  for (const item of await batchGet(table, wanted)) {
    const scope = String(item.scope);
    let window = windows.get(scope) ?? emptyWindow();
    for (const [attribute, value] of Object.entries(item)) {
      const match = /^([sfu])(\d+)$/.exec(attribute);
      const count = Number(value);
      if (!match || !(count > 0)) continue;
      const outcome = match[1] === 's' ? 'succeeded' : match[1] === 'f' ? 'failed' : 'unavailable';
      window = recordOutcome(window, Number(match[2]), outcome, count);
    }
    windows.set(scope, window);
  }
  return windows;
}

/** One clock hour of a scope's counts, summed over its shards. */
export interface HourCounts {
  readonly hourStart: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly unavailable: number;
}

/**
 * The last `hours` clock hours (the current one included) of each channel's all-merchant counts, oldest
 * first: hours × shards keys a channel, one BatchGetItem per 100. @throws on a store error.
 */
export async function readChannelHours(
  table: TableContext,
  channels: readonly string[],
  now: number,
  hours: number = OVERVIEW_HOURS,
): Promise<Map<string, HourCounts[]>> {
  const first = hourOf(now) - (hours - 1) * HOUR_MS;
  const wanted: Item[] = [];
  for (const channel of channels)
    for (let h = 0; h < hours; h++)
      for (let shard = 0; shard < CHANNEL_HEALTH_SHARDS; shard++)
        wanted.push(marshall(keys.channelOutcomeCounts(scopes.channel(channel), first + h * HOUR_MS, shard)));
  const sums = new Map<string, { s: number; f: number; u: number }>();
  for (const item of await batchGet(table, wanted)) {
    const id = `${String(item.scope)}|${Number(item.hourStart)}`;
    const sum = sums.get(id) ?? { s: 0, f: 0, u: 0 };
    for (const [attribute, value] of Object.entries(item)) {
      const match = /^([sfu])\d+$/.exec(attribute);
      const count = Number(value);
      if (match && count > 0) sum[match[1] as 's' | 'f' | 'u'] += count;
    }
    sums.set(id, sum);
  }
  return new Map(
    channels.map((channel) => [
      channel,
      Array.from({ length: hours }, (_, h) => {
        const hourStart = first + h * HOUR_MS;
        const sum = sums.get(`${scopes.channel(channel)}|${hourStart}`) ?? { s: 0, f: 0, u: 0 };
        return { hourStart, succeeded: sum.s, failed: sum.f, unavailable: sum.u };
      }),
    ]),
  );
}

function batchGet(table: TableContext, wanted: Item[]): Promise<Record<string, unknown>[]> {
  return batchGetItems(table, wanted, { operation: 'channelOutcomeCounts.read' });
}
