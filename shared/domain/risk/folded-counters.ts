/**
 * Risk counters folded into one item per merchant and value (risk-keys.ts): the velocity buckets of a
 * customer id, email or IP and, for a customer, the history by year, each a short rolling list of periods
 * instead of an item per bucket or year. Pure: the store reads the item, applies the payment here and
 * writes the result back guarded by the version it read.
 *
 * A rolling counter keeps the newest period it has seen and the DEPTH − 1 before it. A payment of a newer
 * period rolls it forward (older periods fall off), one of a kept period adds to it, one older than that
 * counts nowhere: what is read for any payment at most one period behind the newest (its period and the
 * one before, velocity.ts) is exactly what separate items per period held. Only a payment delivered two
 * or more windows (years) after a newer payment of the same value reads less than that: its own period
 * partly and nothing before it.
 */
import { slidingCount, type VelocityBucket } from './velocity.js';

/** Periods kept: the newest, the one a payment of it reads as previous, and one for a late payment's. */
export const DEPTH = 3;
/** Payment digests an item remembers (the newest), so a redelivery among them counts nothing twice. */
export const DEDUPE_CAP = 40;
/** Digest length: 50 bits, so two payments of one customer, email or IP never share one. */
export const DIGEST_LENGTH = 10;

/** `n[i]` is the count of period `at − i`; trailing zeros are dropped. */
export interface Rolling {
  readonly at: number;
  readonly n: readonly number[];
}

/** What one item holds. `version` 0: no item (or one of another layout) was read. */
export interface CounterState {
  readonly version: number;
  /** Velocity window (minutes) the buckets are of; buckets of another window are never mixed in. */
  readonly window?: number;
  /** Payments per bucket (`floor(epoch minutes / window)`). */
  readonly velocity?: Rolling;
  /** Customer items: payments and amounts per currency per UTC year, all rolled to one `at`. */
  readonly history?: { readonly year: number; readonly byCurrency: Readonly<Record<string, CurrencyYears>> };
  /** Digests of the payments counted, newest last, DIGEST_LENGTH characters each. */
  readonly ids: string;
}

export interface CurrencyYears {
  readonly n: readonly number[];
  readonly s: readonly number[];
}

/** What a payment adds to one item. `history` only on the customer's. */
export interface CountedChange {
  readonly digest: string;
  readonly window: number;
  readonly bucket: number;
  readonly history?: { readonly year: number; readonly currency: string; readonly amount: number };
}

export const EMPTY_STATE: CounterState = { version: 0, ids: '' };

/** The count of `period` (0 when it is not kept). */
export function countIn(r: Rolling | undefined, period: number): number {
  if (!r) return 0;
  const offset = r.at - period;
  return offset >= 0 ? (r.n[offset] ?? 0) : 0;
}

/** `r` rolled forward so that `period` is its newest (unchanged when it already is or is newer). */
export function rollTo(r: Rolling | undefined, period: number): Rolling {
  if (!r) return { at: period, n: [] };
  if (period <= r.at) return r;
  const shift = Math.min(period - r.at, DEPTH);
  return { at: period, n: trimmed([...new Array<number>(shift).fill(0), ...r.n].slice(0, DEPTH)) };
}

/** `r` with `amount` added to `period`, rolled first when it is newer; nothing when it is not kept. */
export function addIn(r: Rolling | undefined, period: number, amount: number): Rolling {
  const rolled = rollTo(r, period);
  const offset = rolled.at - period;
  if (offset >= DEPTH) return rolled;
  const n = [...rolled.n];
  while (n.length <= offset) n.push(0);
  n[offset] = (n[offset] ?? 0) + amount;
  return { at: rolled.at, n: trimmed(n) };
}

function trimmed(n: number[]): number[] {
  let end = n.length;
  while (end > 0 && n[end - 1] === 0) end--;
  return n.slice(0, end);
}

/** Whether the item has counted the payment of `digest`. */
export function hasCounted(state: CounterState, digest: string): boolean {
  for (let i = 0; i + DIGEST_LENGTH <= state.ids.length; i += DIGEST_LENGTH) {
    if (state.ids.slice(i, i + DIGEST_LENGTH) === digest) return true;
  }
  return false;
}

/**
 * The item after counting the payment, or `undefined` when it already has. A change of the merchant's
 * window starts the velocity over (old buckets are of another length); the history is kept.
 */
export function applyPayment(state: CounterState, change: CountedChange): CounterState | undefined {
  if (hasCounted(state, change.digest)) return undefined;
  const sameWindow = state.window === change.window;
  const velocity = addIn(sameWindow ? state.velocity : undefined, change.bucket, 1);
  const ids = (state.ids + change.digest).slice(-DEDUPE_CAP * DIGEST_LENGTH);
  const next: CounterState = { version: state.version + 1, window: change.window, velocity, ids };
  if (!change.history) return state.history ? { ...next, history: state.history } : next;
  return { ...next, history: addHistory(state.history, change.history) };
}

function addHistory(
  history: CounterState['history'],
  payment: NonNullable<CountedChange['history']>,
): NonNullable<CounterState['history']> {
  const year = Math.max(history?.year ?? payment.year, payment.year);
  const byCurrency: Record<string, CurrencyYears> = {};
  for (const [currency, years] of Object.entries(history?.byCurrency ?? {})) {
    const n = rollTo({ at: history?.year ?? year, n: years.n }, year).n;
    const s = rollTo({ at: history?.year ?? year, n: years.s }, year).n;
    if (n.length > 0 || s.length > 0) byCurrency[currency] = { n, s };
  }
  const own = byCurrency[payment.currency] ?? { n: [], s: [] };
  byCurrency[payment.currency] = {
    n: addIn({ at: year, n: own.n }, payment.year, 1).n,
    s: addIn({ at: year, n: own.s }, payment.year, payment.amount).n,
  };
  return { year, byCurrency };
}

/**
 * Payments in the sliding window ending at the payment's instant, this one included (at least 1: it is
 * counted, even where its bucket is no longer kept).
 */
export function velocityCount(state: CounterState, window: number, bucket: VelocityBucket): number {
  const v = state.window === window ? state.velocity : undefined;
  return Math.max(1, slidingCount(countIn(v, bucket.index), countIn(v, bucket.index - 1), bucket.elapsed));
}

/** The customer's history of the payment's year and the year before, this payment taken out. */
export function historyBefore(
  state: CounterState,
  payment: { readonly year: number; readonly currency: string; readonly amount: number },
): { count: number; sameCurrencyCount: number; sameCurrencySum: number } {
  const h = state.history;
  const kept = h !== undefined && h.year - payment.year < DEPTH;
  const inYears = (n: readonly number[] | undefined) =>
    h
      ? countIn({ at: h.year, n: n ?? [] }, payment.year) +
        countIn({ at: h.year, n: n ?? [] }, payment.year - 1)
      : 0;
  const own = h?.byCurrency[payment.currency];
  const all = Object.values(h?.byCurrency ?? {}).reduce((sum, c) => sum + inYears(c.n), 0);
  // This payment is in its year's counts when its year is kept (always, but for one years late).
  const self = kept ? 1 : 0;
  return {
    count: Math.max(0, all - self),
    sameCurrencyCount: Math.max(0, inYears(own?.n) - self),
    sameCurrencySum: Math.max(0, inYears(own?.s) - self * payment.amount),
  };
}
