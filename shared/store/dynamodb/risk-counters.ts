/**
 * Counter items of the before-checks' counted limits (keys.ts: `CTR#<merchant>#<dim>#<window>…`/`CTR`).
 * They are only ever written inside a create's TransactWriteItems, next to the payment's Put: each
 * `ADD`s what the payment adds, guarded by "what was counted so far still leaves room for it", so the
 * limit holds under any concurrency, and a refused or replayed create changes no counter (the
 * transaction is all or nothing). A window's counter expires (TTL) shortly after the window ends.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { CounterLimit } from '../../domain/risk/before.js';
import { keys } from '../keys.js';

/** Dimension codes in the counter keys. */
const DIMENSION = {
  daily_amount_limit: 'AMT',
  customer_daily_amount_limit: 'CAMT',
  customer_frequency_limit: 'CFRQ',
} as const satisfies Record<CounterLimit['reason'], string>;

/** Kept a little past the window's end: TTL deletion is lazy anyway, this only bounds storage. */
const TTL_MARGIN_SECONDS = 60 * 60;

/** One counter write of a create, and the refusal reason it stands for. */
export interface CounterWrite {
  readonly reason: CounterLimit['reason'];
  readonly item: TransactWriteItem;
}

/** `2026-11-26` (day) or `2026-11-26T10:07` (minute), UTC. */
export function windowKey(window: CounterLimit['window'], now: Date): string {
  return window === 'day' ? now.toISOString().slice(0, 10) : now.toISOString().slice(0, 16);
}

/** Epoch seconds at which the counter of `now`'s window may be deleted. */
export function windowExpiry(window: CounterLimit['window'], now: Date): number {
  const span = window === 'day' ? 86_400_000 : 60_000;
  const end = Math.floor(now.getTime() / span) * span + span;
  return Math.floor(end / 1000) + TTL_MARGIN_SECONDS;
}

/** The counter item's key for `limit` in `now`'s window. */
export function counterKey(merchantId: string, limit: CounterLimit, now: Date) {
  // Fixed-format parts first, the free-form customer id last (see keys.ts).
  const parts = [limit.currency, limit.customerId].filter((p): p is string => p !== undefined);
  return keys.riskCounter(merchantId, DIMENSION[limit.reason], windowKey(limit.window, now), ...parts);
}

/**
 * The TransactWriteItems `Update`s that count a payment against `limits`:
 * `ADD total :n` (amounts) or `ADD count :n` (frequency), condition
 * `attribute_not_exists(x) OR x <= :room` with `room = limit − n` (DynamoDB conditions cannot add, so the
 * subtraction is done here). Callers must have checked `n ≤ limit` (checkBefore does): a first payment
 * above the limit would otherwise pass on `attribute_not_exists`.
 */
export function counterWrites(
  tableName: string,
  merchantId: string,
  limits: readonly CounterLimit[],
  now: Date,
): CounterWrite[] {
  return limits.map((limit) => ({
    reason: limit.reason,
    item: guardedAdd(
      tableName,
      counterKey(merchantId, limit, now),
      limit.reason === 'customer_frequency_limit' ? 'count' : 'total',
      limit.increment,
      limit.limit - limit.increment,
      windowExpiry(limit.window, now),
    ),
  }));
}

/**
 * `ADD attribute :n` on a counter item guarded by `attribute_not_exists(x) OR x <= :room`, for a
 * transaction; a refusal returns the item as it was (ALL_OLD), so the caller learns its count.
 */
export function guardedAdd(
  tableName: string,
  key: { PK: string; SK: string },
  attribute: string,
  n: number,
  room: number,
  expiresAt: number,
): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: marshall(key),
      UpdateExpression: 'ADD #v :n SET entity = :entity, expiresAt = if_not_exists(expiresAt, :exp)',
      ConditionExpression: 'attribute_not_exists(#v) OR #v <= :room',
      ExpressionAttributeNames: { '#v': attribute },
      ExpressionAttributeValues: marshall({
        ':n': n,
        ':room': room,
        ':entity': 'riskCounter',
        ':exp': expiresAt,
      }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
