import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  aheadLeaseSize,
  applyLease,
  available,
  type FlowLimits,
  leaseCap,
  MAX_BURST,
  MAX_LEASE,
  MAX_REQUESTS_PER_SECOND,
  micros,
  nextLeaseSize,
  planLease,
  retryAfterSeconds,
  type ShardLimits,
  shardCount,
  shardLimits,
} from '../../../../shared/domain/flow/token-bucket.js';

const T0 = micros(Date.parse('2026-12-01T12:00:00.000Z'));

const limitsArb: fc.Arbitrary<FlowLimits> = fc.oneof(
  fc.record({ requestsPerSecond: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 1, max: 100 }) }),
  fc.record({
    requestsPerSecond: fc.integer({ min: 1, max: MAX_REQUESTS_PER_SECOND }),
    burst: fc.integer({ min: 1, max: MAX_BURST }),
  }),
);

/** Takes at non-decreasing times (µs) by one of 3 containers, from a shard picked by index. */
const takesArb = fc.array(
  fc.record({
    gap: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 3_000_000 })),
    container: fc.integer({ min: 0, max: 2 }),
    shard: fc.nat(),
    want: fc.integer({ min: 1, max: MAX_LEASE }),
  }),
  { maxLength: 60 },
);

const shardArb: fc.Arbitrary<ShardLimits> = fc.record({
  rate: fc.integer({ min: 1, max: 500 }),
  burst: fc.integer({ min: 1, max: 5_000 }),
});

describe('token bucket arithmetic', () => {
  it('never admits more than burst + rate × elapsed in any window, whatever containers race on the shards', () => {
    fc.assert(
      fc.property(limitsArb, takesArb, (limits, takes) => {
        // Prepare: the stored shards, and what each container last saw of them (possibly stale)
        const count = shardCount(limits);
        const stored = new Map<number, number>();
        const seen = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()];
        const admitted: { at: number; n: number }[] = [];
        let now = T0;
        // Act: plan from what the container saw; the store applies it or refuses it (then one retry)
        for (const { gap, container, shard: pick, want } of takes) {
          now += gap;
          const index = pick % count;
          const shard = shardLimits(limits, index, count);
          const cache = seen[container] ?? new Map<number, number>();
          let granted = 0;
          for (let attempt = 0; attempt < 2 && granted === 0; attempt++) {
            const plan = planLease(cache.get(index), shard, want, now);
            if (plan.granted === 0) break;
            const next = applyLease(stored.get(index), plan);
            const current = next ?? stored.get(index);
            if (next !== null) {
              stored.set(index, next);
              granted = plan.granted;
            }
            if (current === undefined) cache.delete(index);
            else cache.set(index, current);
          }
          admitted.push({ at: now, n: granted });
        }
        // Assess: every window [a, b] of the sequence (the bucket starts full)
        for (let i = 0; i < admitted.length; i++) {
          let sum = 0;
          for (let j = i; j < admitted.length; j++) {
            sum += admitted[j]?.n ?? 0;
            const elapsed = (admitted[j]?.at ?? 0) - (admitted[i]?.at ?? 0);
            assert.ok(
              sum * 1_000_000 <= limits.burst * 1_000_000 + limits.requestsPerSecond * elapsed,
              `${sum} admitted in ${elapsed} µs with ${JSON.stringify(limits)}`,
            );
          }
        }
      }),
    );
  });

  it('gives a full bucket its burst at once and a token per interval after, never more than asked', () => {
    fc.assert(
      fc.property(shardArb, fc.integer({ min: 1, max: MAX_LEASE }), (shard, want) => {
        const first = planLease(undefined, shard, shard.burst + want, T0);
        assert.equal(first.granted, shard.burst);
        assert.equal(available(first.next, shard, T0), 0);
        const interval = Math.ceil(1_000_000 / shard.rate);
        assert.equal(available(first.next, shard, T0 + interval), 1);
        assert.ok(planLease(undefined, shard, want, T0).granted <= want);
      }),
    );
  });

  it('refuses a stale plan the store would over-grant, and accepts it when still true', () => {
    fc.assert(
      fc.property(shardArb, fc.integer({ min: 1, max: 10 }), (shard, want) => {
        const plan = planLease(T0, shard, want, T0);
        fc.pre(plan.granted > 0);
        // Another container took everything meanwhile: the plan's condition fails.
        const emptied = T0 + shard.burst * Math.ceil(1_000_000 / shard.rate);
        assert.equal(applyLease(emptied, plan), null);
        assert.equal(applyLease(T0, plan), plan.next);
      }),
    );
  });

  it('answers Retry-After in whole seconds ≥ 1, after which a token is there, and not a second earlier', () => {
    fc.assert(
      fc.property(shardArb, fc.integer({ min: 0, max: 20_000_000 }), (shard, ahead) => {
        // Prepare: a shard full again only `ahead` µs from now
        const fullAt = T0 + ahead;
        fc.pre(available(fullAt, shard, T0) === 0);
        // Act
        const seconds = retryAfterSeconds(fullAt, shard, T0);
        // Assess
        assert.ok(Number.isInteger(seconds) && seconds >= 1);
        assert.equal(available(fullAt, shard, T0 + seconds * 1_000_000) >= 1, true, 'honest');
        if (seconds > 1) assert.equal(available(fullAt, shard, T0 + (seconds - 1) * 1_000_000), 0, 'tight');
      }),
    );
  });

  it('splits limits over shards whose shares add up exactly, each able to hold and earn a token', () => {
    fc.assert(
      fc.property(limitsArb, (limits) => {
        const count = shardCount(limits);
        const shares = Array.from({ length: count }, (_, i) => shardLimits(limits, i, count));
        assert.equal(
          shares.reduce((s, x) => s + x.rate, 0),
          limits.requestsPerSecond,
        );
        assert.equal(
          shares.reduce((s, x) => s + x.burst, 0),
          limits.burst,
        );
        for (const share of shares) assert.ok(share.rate >= 1 && share.burst >= 1);
      }),
    );
  });

  it('sizes a lease between 1 and a quarter of the burst, growing while demand outruns it', () => {
    fc.assert(
      fc.property(
        shardArb,
        fc.option(
          fc.record({
            size: fc.integer({ min: 1, max: MAX_LEASE }),
            used: fc.integer({ min: 0, max: MAX_LEASE }),
          }),
        ),
        (shard, previous) => {
          const size = nextLeaseSize(previous ?? undefined, shard);
          const cap = leaseCap(shard);
          assert.ok(cap >= 1 && cap <= MAX_LEASE && cap <= Math.max(1, Math.ceil(shard.burst / 4)));
          assert.ok(size >= 1 && size <= cap);
          if (previous && previous.used >= previous.size)
            assert.equal(size, Math.min(cap, previous.size * 2));
        },
      ),
    );
  });

  it('takes ahead what the current pace uses in three quarters of a lease, at most double, within the cap', () => {
    fc.assert(
      fc.property(
        shardArb,
        fc.integer({ min: 1, max: MAX_LEASE }),
        fc.integer({ min: 1, max: MAX_LEASE }),
        fc.integer({ min: 0, max: 2_000 }),
        (shard, size, used, ageMs) => {
          const ahead = aheadLeaseSize({ size, used, ageMs }, 1_000, shard);
          assert.ok(ahead >= 1 && ahead <= leaseCap(shard) && ahead <= size * 2);
          // 10 tokens in 500 ms: 15 in 750 ms
          if (leaseCap(shard) >= 15 && size >= 8)
            assert.equal(aheadLeaseSize({ size, used: 10, ageMs: 500 }, 1_000, shard), 15);
        },
      ),
    );
  });
});
