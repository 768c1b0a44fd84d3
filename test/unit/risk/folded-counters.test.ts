/**
 * The folded risk counters against a model of the layout they replace (an item per velocity bucket and
 * per customer-year, each counting a payment once): the same signals for every payment at most one
 * window (year) behind the newest counted, under random payments, redeliveries and roll-overs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyPayment,
  type CounterState,
  DEDUPE_CAP,
  EMPTY_STATE,
  historyBefore,
  velocityCount,
} from '../../../shared/domain/risk/folded-counters.js';
import { bucketOf, slidingCount } from '../../../shared/domain/risk/velocity.js';
import {
  fromItem,
  itemBytes,
  MAX_ITEM_BYTES,
  toItem,
} from '../../../shared/store/dynamodb/risk-counter-items.js';

const KEY = { PK: 'RISKCUS#m_1#abcdefghijklmnopqrstuvwxyz', SK: 'RISKCUS' };
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Payment {
  readonly id: string;
  readonly at: number;
  readonly amount: number;
  readonly currency: string;
}

/** The layout before: a set of payment ids per (window, bucket) and per year. */
class OldLayout {
  private readonly buckets = new Map<string, Set<string>>();
  private readonly years = new Map<number, Map<string, Payment>>();

  count(p: Payment, window: number): boolean {
    const key = `${window}|${bucketOf(new Date(p.at), window).index}`;
    const bucket = this.buckets.get(key) ?? new Set<string>();
    const year = new Date(p.at).getUTCFullYear();
    const history = this.years.get(year) ?? new Map<string, Payment>();
    const fresh = !bucket.has(p.id);
    bucket.add(p.id);
    history.set(p.id, p);
    this.buckets.set(key, bucket);
    this.years.set(year, history);
    return fresh;
  }

  velocity(p: Payment, window: number): number {
    const { index, elapsed } = bucketOf(new Date(p.at), window);
    const n = (i: number) => this.buckets.get(`${window}|${i}`)?.size ?? 0;
    return Math.max(1, slidingCount(n(index), n(index - 1), elapsed));
  }

  history(p: Payment) {
    const year = new Date(p.at).getUTCFullYear();
    const all = [year, year - 1].flatMap((y) => [...(this.years.get(y)?.values() ?? [])]);
    const same = all.filter((q) => q.currency === p.currency);
    return {
      count: Math.max(0, all.length - 1),
      sameCurrencyCount: Math.max(0, same.length - 1),
      sameCurrencySum: Math.max(0, same.reduce((s, q) => s + q.amount, 0) - p.amount),
    };
  }
}

/** Through the item and back, as the store writes and reads it. */
function stored(state: CounterState): CounterState {
  const item = toItem(KEY, state, 0);
  assert.ok(itemBytes(item) <= MAX_ITEM_BYTES, `${itemBytes(item)} bytes`);
  assert.equal(item.ids, state.ids, 'no digest dropped for room');
  return fromItem(item);
}

const digestOf = (id: string) => id.padStart(10, '0');

const op = (window: number) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('pay' as const),
        advance: fc.integer({ min: 0, max: 2 * window * MINUTE }),
        // Mostly on time; sometimes late by more than a window (such a payment reads less).
        late: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * window * MINUTE })),
        amount: fc.integer({ min: 1, max: 100_000 }),
        currency: fc.constantFrom('USD', 'EUR'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('redeliver' as const), back: fc.nat(DEDUPE_CAP - 1) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('year' as const),
        advance: fc.integer({ min: 0, max: 400 * DAY }),
      }),
    },
  );

describe('folded risk counters', () => {
  it('give the old layout’s signals for every payment at most one window or year behind the newest', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(1, 5, 60, 1440)
          .chain((w) => fc.tuple(fc.constant(w), fc.array(op(w), { maxLength: 80 }))),
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }),
        ([window, ops], start) => {
          const model = new OldLayout();
          let state: CounterState = EMPTY_STATE;
          let clock = start;
          let newestBucket = Number.NEGATIVE_INFINITY;
          let newestYear = Number.NEGATIVE_INFINITY;
          const counted: Payment[] = [];
          for (const [i, o] of ops.entries()) {
            let p: Payment | undefined;
            if (o.kind === 'year') clock += o.advance;
            if (o.kind === 'pay') {
              clock += o.advance;
              p = { id: `p${i}`, at: clock - o.late, amount: o.amount, currency: o.currency };
            }
            if (o.kind === 'redeliver')
              p = counted[counted.length - 1 - Math.min(o.back, counted.length - 1)];
            if (!p) continue;
            const year = new Date(p.at).getUTCFullYear();
            const change = {
              digest: digestOf(p.id),
              window,
              bucket: bucketOf(new Date(p.at), window).index,
              history: { year, currency: p.currency, amount: p.amount },
            };
            const next = applyPayment(state, change);
            const fresh = model.count(p, window);
            assert.equal(next !== undefined, fresh, 'counted exactly when the old layout counted');
            if (next) {
              state = stored(next);
              counted.push(p);
            }
            newestBucket = Math.max(newestBucket, change.bucket);
            newestYear = Math.max(newestYear, year);

            const velocity = velocityCount(state, window, bucketOf(new Date(p.at), window));
            const history = historyBefore(state, change.history);
            if (change.bucket >= newestBucket - 1) assert.equal(velocity, model.velocity(p, window));
            else assert.ok(velocity <= model.velocity(p, window));
            if (year >= newestYear - 1) assert.deepEqual(history, model.history(p));
            else assert.ok(history.count <= model.history(p).count);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never mixes buckets of another window: a new window counts from its first payment', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            window: fc.constantFrom(30, 60),
            advance: fc.integer({ min: 0, max: 20 * MINUTE }),
            currency: fc.constantFrom('USD', 'EUR'),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (payments) => {
          let state: CounterState = EMPTY_STATE;
          let run = new OldLayout();
          let runWindow = 0;
          const everything = new OldLayout();
          let clock = Date.UTC(2026, 5, 1);
          for (const [i, q] of payments.entries()) {
            clock += q.advance;
            const p: Payment = { id: `p${i}`, at: clock, amount: 100, currency: q.currency };
            const year = new Date(clock).getUTCFullYear();
            if (q.window !== runWindow) {
              run = new OldLayout();
              runWindow = q.window;
            }
            run.count(p, q.window);
            everything.count(p, q.window);
            const history = { year, currency: p.currency, amount: p.amount };
            const bucket = bucketOf(new Date(clock), q.window);
            const next = applyPayment(state, {
              digest: digestOf(p.id),
              window: q.window,
              bucket: bucket.index,
              history,
            });
            assert.ok(next);
            state = stored(next);
            assert.equal(velocityCount(state, q.window, bucket), run.velocity(p, q.window));
            assert.deepEqual(historyBefore(state, history), everything.history(p), 'history is kept');
          }
        },
      ),
    );
  });

  it('reads an item of the layout before 2026-12-07 as none', () => {
    const old = {
      PK: 'RISKCUS#m_1#abc',
      SK: 'RISKCUS',
      n: 4,
      n_USD: 4,
      s_USD: 900,
      ids: new Set(['aaaaaaaaaa']),
    };
    assert.deepEqual(fromItem(old), EMPTY_STATE);
    assert.deepEqual(fromItem(undefined), EMPTY_STATE);
  });

  it('drops the oldest digests, not counts, when a history of many currencies needs the room', () => {
    let state: CounterState = EMPTY_STATE;
    // 30 currencies in one year: far more than a customer pays in, still one write unit.
    const currencies = Array.from({ length: 30 }, (_, i) => `X${String.fromCharCode(65 + (i % 26))}${i}`);
    for (let i = 0; i < DEDUPE_CAP; i++) {
      const at = Date.UTC(2026, 0, 1) + i * DAY * 8;
      const history = {
        year: new Date(at).getUTCFullYear(),
        currency: currencies[i % 30] as string,
        amount: 123_456 + i,
      };
      state = applyPayment(state, {
        digest: digestOf(`p${i}`),
        window: 60,
        bucket: i,
        history,
      }) as CounterState;
    }
    const item = toItem(KEY, state, 1_800_000_000);
    assert.ok(itemBytes(item) <= MAX_ITEM_BYTES, `${itemBytes(item)} bytes`);
    assert.ok(String(item.ids).length < DEDUPE_CAP * 10);
    assert.deepEqual(fromItem(item).history, state.history);
  });
});
