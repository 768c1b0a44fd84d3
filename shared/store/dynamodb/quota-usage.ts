/**
 * A merchant's daily channel quota usage (keys.ts: `QUOTA#<merchant>#<channel>#<currency>#<day>#<shard>`):
 * the amount routed to a channel in a currency on a UTC day, kept on QUOTA_SHARDS (64) items so that one
 * merchant's payments never meet in one partition key (a single counter would cap the merchant at
 * DynamoDB's 1,000 writes a second per partition; a transactional count is 2 units, so 64 keys keep one
 * merchant clear of it up to 31,000 payments a second).
 *
 * - counted by `quotaCountWrite`, an `Update` that goes INSIDE the create's TransactWriteItems, next to
 *   the payment's conditional Put: all or nothing, so a crash or a replay can never count a payment that
 *   does not exist, nor count one twice (a replay fails the Put and cancels the whole transaction);
 * - moved by `quotaMoveWrites` when the dispatcher fails the payment over, inside the failover's own
 *   guarded transaction (channel-dispatch.ts);
 * - read by `readQuotaUsage`: the sum of the shards, one strongly consistent BatchGetItem for every
 *   channel asked (64 keys each), made only when the merchant configured a quota that could apply;
 *   create-payment reads through `cachedQuotaUsage`: at most once per QUOTA_USAGE_TTL_MS (500 ms) per
 *   container, merchant, channel and day, adding what the container itself counted meanwhile, so a busy
 *   merchant's creates do not each read every shard (each key would take one read per payment).
 *
 * How exact the limit is under concurrency: the read and the counted write are two round trips, and a
 * container uses a read for up to QUOTA_USAGE_TTL_MS, so creates of one merchant, channel and currency
 * in different containers may all find room in the same usage. The quota can therefore be exceeded by
 * what OTHER containers count on the channel in the last QUOTA_USAGE_TTL_MS (plus the payments in flight
 * at once); a container's own creates, and every create after that delay, see each commit. A merchant
 * sending one payment at a time is exact. Making it exact would take either
 * one counter item (a hot key, which this layout exists to avoid) or a transaction that checks all 8
 * shards unchanged (8 more items and 16 more write units per payment, and every payment of the
 * merchant-channel-currency conflicting with every other). A quota caps exposure to a channel; an
 * overshoot by the payments of the same few milliseconds is accepted and documented instead.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys, QUOTA_SHARDS, quotaShardOf } from '../keys.js';
import { readTotals } from './batch-read.js';
import type { TableContext } from './table.js';

/** Counters outlive their day by two days (TTL deletion is lazy anyway: this bounds storage only). */
export const QUOTA_TTL_SECONDS = 3 * 86_400;

/** The UTC day (`yyyy-mm-dd`) a payment created at `now` counts on. */
export function quotaDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export interface QuotaCount {
  readonly merchantId: string;
  readonly channel: string;
  readonly currency: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly now: Date;
}

/**
 * The transaction item that counts a payment's amount on its shard of the day's usage (`ADD total`).
 * Unconditional: the room was checked when routing read the usage (see the module comment for how exact
 * that is), and the payment's own Put in the same transaction is what makes the count exactly-once.
 */
export function quotaCountWrite(tableName: string, count: QuotaCount): TransactWriteItem {
  const day = quotaDay(count.now);
  const shard = quotaShardOf(count.paymentId);
  return {
    Update: {
      TableName: tableName,
      Key: marshall(keys.quotaUsage(count.merchantId, count.channel, count.currency, day, shard)),
      UpdateExpression: 'ADD #total :amount SET entity = :entity, expiresAt = if_not_exists(expiresAt, :exp)',
      ExpressionAttributeNames: { '#total': 'total' },
      ExpressionAttributeValues: marshall({
        ':amount': count.amount,
        ':entity': 'quotaUsage',
        ':exp': Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + QUOTA_TTL_SECONDS,
      }),
    },
  };
}

/** A failover's move of a payment's count between two channels' usage of the payment's day. */
export interface QuotaMove {
  readonly merchantId: string;
  readonly currency: string;
  readonly paymentId: string;
  readonly amount: number;
  /** When the payment was created: the day its count belongs to, whatever day the failover runs. */
  readonly createdAt: Date;
  /** The channel it leaves, when its count is there (that channel has a quota). */
  readonly from?: string | undefined;
  /** The channel it goes to, when that channel has a quota. */
  readonly to?: string | undefined;
}

/**
 * The transaction items that move a failed-over payment's count (`ADD` −amount on the channel left, +amount
 * on the next), for the TransactWriteItems of the guarded failover (channel-dispatch.ts): the count moves
 * exactly when the payment does. The channel left never took the payment (a failover only follows an
 * unavailability), so its quota gets the room back. The next channel's room is not checked again: it had
 * room when routing listed it, and the overshoot is the one the module comment accepts.
 */
export function quotaMoveWrites(tableName: string, move: QuotaMove): TransactWriteItem[] {
  const count = (channel: string, amount: number) =>
    quotaCountWrite(tableName, { ...move, channel, amount, now: move.createdAt });
  return [
    ...(move.from === undefined ? [] : [count(move.from, -move.amount)]),
    ...(move.to === undefined ? [] : [count(move.to, move.amount)]),
  ];
}

/**
 * The amount the merchant routed to each of `channels` in `currency` on `day`: the sum of each channel's
 * shards, read with one consistent BatchGetItem (unprocessed keys retried with backoff). A channel with
 * no counted payment answers 0.
 */
/** How long a container uses a usage read (its own counts added): the quota's overshoot window. */
export const QUOTA_USAGE_TTL_MS = 500;

/**
 * `readQuotaUsage` through a per-container cache of `ttlMs` (0: every call reads), with `counted` adding
 * a payment the container stored to its channel's cached usage.
 */
export function cachedQuotaUsage(table: TableContext, ttlMs: number, clock: () => number = Date.now) {
  const cache = new Map<string, { readAt: number; used: number }>();
  const id = (merchantId: string, currency: string, day: string, channel: string) =>
    `${merchantId}#${channel}#${currency}#${day}`;
  return {
    async read(merchantId: string, currency: string, day: string, channels: readonly string[]) {
      const now = clock();
      const fresh = (c: string) =>
        (cache.get(id(merchantId, currency, day, c))?.readAt ?? -Infinity) > now - ttlMs;
      const stale = channels.filter((c) => !fresh(c));
      if (stale.length > 0) {
        const read = await readQuotaUsage(table, merchantId, currency, day, stale);
        if (cache.size > 1_000) cache.clear();
        for (const c of stale)
          cache.set(id(merchantId, currency, day, c), { readAt: now, used: read[c] ?? 0 });
      }
      return Object.fromEntries(
        channels.map((c) => [c, cache.get(id(merchantId, currency, day, c))?.used ?? 0]),
      );
    },
    counted(merchantId: string, currency: string, day: string, channel: string, amount: number) {
      const entry = cache.get(id(merchantId, currency, day, channel));
      if (entry) entry.used += amount;
    },
  };
}

export async function readQuotaUsage(
  table: TableContext,
  merchantId: string,
  currency: string,
  day: string,
  channels: readonly string[],
): Promise<Record<string, number>> {
  const keysOf = (channel: string) =>
    Array.from({ length: QUOTA_SHARDS }, (_, shard) =>
      keys.quotaUsage(merchantId, channel, currency, day, shard),
    );
  const found = await readTotals(table, channels.flatMap(keysOf), 'quotaUsage.batchGet');
  return Object.fromEntries(
    channels.map((c) => [c, keysOf(c).reduce((sum, k) => sum + (found.get(k.PK) ?? 0), 0)]),
  );
}
