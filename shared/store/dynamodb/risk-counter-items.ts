/**
 * The folded risk counter (domain/risk/folded-counters.ts) as a table item, and back.
 *
 * | attribute   | what                                                                  |
 * |-------------|-----------------------------------------------------------------------|
 * | `v`         | version, +1 per write (the write's guard)                             |
 * | `w`         | velocity window in minutes the buckets are of                         |
 * | `b`, `vn`   | newest bucket index; payments in it and the buckets before it         |
 * | `y`         | newest UTC year of the history (customer items)                       |
 * | `hn`, `hs`  | per currency, payments and amounts in year `y` and the years before   |
 * | `ids`       | digests of the last payments counted, concatenated, newest last       |
 * | `expiresAt` | TTL                                                                   |
 *
 * An item is kept under MAX_ITEM_BYTES (one write unit, one half read unit) by remembering fewer
 * digests when a customer's history by currency needs the room.
 */
import {
  type CounterState,
  type CurrencyYears,
  DIGEST_LENGTH,
  type Rolling,
} from '../../domain/risk/folded-counters.js';

/** Under DynamoDB's 1 KB write unit, with room for its per-attribute rounding. */
export const MAX_ITEM_BYTES = 1000;

/**
 * The state an item holds. Anything that is not this layout (no item, or a counter of the layout before
 * 2026-12-07, which has no `v`) reads as empty, version 0, so the next write replaces it.
 */
export function fromItem(item: Record<string, unknown> | undefined): CounterState {
  const version = item?.v;
  if (!item || typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { version: 0, ids: '' };
  }
  const ids = typeof item.ids === 'string' ? item.ids : '';
  const state: { -readonly [K in keyof CounterState]: CounterState[K] } = { version, ids };
  const b = item.b;
  const vn = numbers(item.vn);
  if (typeof item.w === 'number' && typeof b === 'number' && vn) {
    state.window = item.w;
    state.velocity = { at: b, n: vn };
  }
  if (typeof item.y === 'number' && isRecord(item.hn)) {
    const byCurrency: Record<string, CurrencyYears> = {};
    const sums = isRecord(item.hs) ? item.hs : {};
    for (const [currency, n] of Object.entries(item.hn)) {
      const counts = numbers(n);
      if (counts) byCurrency[currency] = { n: counts, s: numbers(sums[currency]) ?? [] };
    }
    state.history = { year: item.y, byCurrency };
  }
  return state;
}

/** The item of a state, its digests trimmed (oldest first) to keep it under MAX_ITEM_BYTES. */
export function toItem(
  key: { PK: string; SK: string },
  state: CounterState,
  expiresAt: number,
): Record<string, unknown> {
  const item: Record<string, unknown> = { ...key, v: state.version };
  if (state.window !== undefined && state.velocity) {
    item.w = state.window;
    item.b = state.velocity.at;
    item.vn = [...state.velocity.n];
  }
  if (state.history) {
    item.y = state.history.year;
    item.hn = mapOf(state.history.byCurrency, (c) => c.n);
    item.hs = mapOf(state.history.byCurrency, (c) => c.s);
  }
  item.expiresAt = expiresAt;
  let ids = state.ids;
  item.ids = ids;
  while (itemBytes(item) > MAX_ITEM_BYTES && ids.length > 0) {
    ids = ids.slice(DIGEST_LENGTH);
    item.ids = ids;
  }
  return item;
}

function mapOf(
  byCurrency: Readonly<Record<string, CurrencyYears>>,
  pick: (c: CurrencyYears) => Rolling['n'],
): Record<string, number[]> {
  return Object.fromEntries(Object.entries(byCurrency).map(([currency, c]) => [currency, [...pick(c)]]));
}

/**
 * An item's size as DynamoDB counts it ("Item sizes and formats" in the DynamoDB Developer Guide):
 * names and strings in UTF-8 bytes, a number 1 byte plus 1 per two significant digits, a list or map 3
 * bytes plus 1 per element (plus the element, and a map's key).
 */
export function itemBytes(item: Record<string, unknown>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += utf8(name) + valueBytes(value);
  return total;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return 1 + Math.ceil(significantDigits(value) / 2);
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueBytes(v), 0);
  if (isRecord(value)) {
    return 3 + Object.entries(value).reduce((s, [k, v]) => s + 1 + utf8(k) + valueBytes(v), 0);
  }
  return 0;
}

function significantDigits(n: number): number {
  return Math.max(1, String(Math.abs(n)).replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length);
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Set);
}

function numbers(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((x) => typeof x === 'number') ? value : undefined;
}
