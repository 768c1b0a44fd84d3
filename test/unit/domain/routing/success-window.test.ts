import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  countsAt,
  emptyWindow,
  expireWindow,
  healthAt,
  mergeWindows,
  rateAt,
  recordOutcome,
  type SuccessWindow,
} from '../../../../shared/domain/routing/index.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

const eventArb = fc.record({
  at: fc.integer({ min: T0, max: T0 + 3 * 60 * MIN }),
  outcome: fc.constantFrom('succeeded' as const, 'failed' as const, 'unavailable' as const),
});

function fold(
  events: readonly { at: number; outcome: 'succeeded' | 'failed' | 'unavailable' }[],
): SuccessWindow {
  return events.reduce((w, e) => recordOutcome(w, e.at, e.outcome), emptyWindow());
}

describe('sliding window of authorization outcomes', () => {
  it('counts succeeded and failed over the last 12 five-minute buckets', () => {
    // Prepare
    let w = emptyWindow();
    w = recordOutcome(w, T0, 'succeeded', 3);
    w = recordOutcome(w, T0 + 4 * MIN, 'failed');
    w = recordOutcome(w, T0 + 30 * MIN, 'succeeded');
    // Assess
    assert.deepEqual(countsAt(w, T0 + 30 * MIN), { succeeded: 4, failed: 1 });
    assert.equal(rateAt(w, T0 + 30 * MIN), 0.8);
    // The T0 bucket leaves the window 60 minutes after it started.
    assert.deepEqual(countsAt(w, T0 + 59 * MIN), { succeeded: 4, failed: 1 });
    assert.deepEqual(countsAt(w, T0 + 60 * MIN), { succeeded: 1, failed: 0 });
    assert.equal(rateAt(emptyWindow(), T0), null);
  });

  it('keeps unavailability out of the rate but in the health answer', () => {
    // Prepare
    let w = emptyWindow();
    w = recordOutcome(w, T0, 'succeeded', 3);
    w = recordOutcome(w, T0, 'failed');
    w = recordOutcome(w, T0 + MIN, 'unavailable', 6);
    // Assess
    assert.equal(rateAt(w, T0 + MIN), 0.75);
    assert.deepEqual(healthAt(w, T0 + MIN), {
      attempts: 10,
      succeeded: 3,
      failed: 1,
      unavailable: 6,
      authorizationRate: 0.75,
    });
    assert.deepEqual(healthAt(emptyWindow(), T0), {
      attempts: 0,
      succeeded: 0,
      failed: 0,
      unavailable: 0,
      authorizationRate: null,
    });
  });

  it('keeps at most bucketCount buckets, dropping outcomes older than the window', () => {
    const w = fold(
      Array.from({ length: 40 }, (_, i) => ({ at: T0 + i * 5 * MIN, outcome: 'succeeded' as const })),
    );
    assert.equal(w.buckets.length, 12);
    const late = recordOutcome(w, T0, 'failed');
    assert.deepEqual(late, w);
  });

  it('expires buckets that are out of the window at a later time', () => {
    const w = recordOutcome(emptyWindow(), T0, 'succeeded');
    assert.equal(expireWindow(w, T0 + 55 * MIN).buckets.length, 1);
    assert.equal(expireWindow(w, T0 + 60 * MIN).buckets.length, 0);
  });

  it('merges batches in any order to the same window as recording every outcome one by one', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), fc.nat(), (events, cut) => {
        // Prepare
        const sorted = [...events].sort((a, b) => a.at - b.at);
        const k = sorted.length === 0 ? 0 : cut % (sorted.length + 1);
        const a = fold(sorted.slice(0, k));
        const b = fold(sorted.slice(k));
        // Act
        const ab = mergeWindows(a, b);
        const ba = mergeWindows(b, a);
        // Assess
        assert.deepEqual(ab, ba);
        assert.deepEqual(ab, fold(sorted));
      }),
      { numRuns: 500 },
    );
  });

  it('never counts outcomes outside the window ending at now', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 60 }),
        fc.integer({ min: T0, max: T0 + 4 * 60 * MIN }),
        (events, now) => {
          const w = fold(events);
          const c = countsAt(w, now);
          const start = Math.floor(now / (5 * MIN)) * 5 * MIN;
          const inside = events.filter((e) => e.at >= start - 55 * MIN && e.at < start + 5 * MIN);
          assert.ok(c.succeeded + c.failed <= inside.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses to merge windows of different geometry', () => {
    assert.throws(() => mergeWindows(emptyWindow(), emptyWindow(60_000, 12)), RangeError);
  });
});
