import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type BucketState,
  type FlowLimits,
  MAX_BURST,
  MAX_LEASE,
  MAX_REQUESTS_PER_SECOND,
  MILLI,
  nextLeaseSize,
  retryAfterSeconds,
  type ShardLimits,
  shardCount,
  shardLimits,
  take,
} from '../../../../shared/domain/flow/token-bucket.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');

const limitsArb: fc.Arbitrary<FlowLimits> = fc.oneof(
  fc.record({ requestsPerSecond: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 1, max: 100 }) }),
  fc.record({
    requestsPerSecond: fc.integer({ min: 1, max: MAX_REQUESTS_PER_SECOND }),
    burst: fc.integer({ min: 1, max: MAX_BURST }),
  }),
);

/** Takes at non-decreasing times (ms), each from a shard picked by index, wanting 1 … MAX_LEASE tokens. */
const takesArb = fc.array(
  fc.record({
    gap: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3_000 })),
    shard: fc.nat(),
    want: fc.integer({ min: 1, max: MAX_LEASE }),
  }),
  { maxLength: 60 },
);

describe('token bucket arithmetic', () => {
  it('never admits more than burst + rate × elapsed in any window, over all shards together', () => {
    fc.assert(
      fc.property(limitsArb, takesArb, (limits, takes) => {
        // Prepare
        const count = shardCount(limits);
        const states = new Map<number, BucketState>();
        const admitted: { at: number; n: number }[] = [];
        let now = T0;
        // Act
        for (const { gap, shard: pick, want } of takes) {
          now += gap;
          const index = pick % count;
          const result = take(states.get(index), shardLimits(limits, index, count), want, now);
          if (result.granted > 0) states.set(index, result.next);
          admitted.push({ at: now, n: result.granted });
        }
        // Assess: every window [a, b] of the sequence, the bucket starting full at T0
        for (let i = 0; i < admitted.length; i++) {
          let sum = 0;
          for (let j = i; j < admitted.length; j++) {
            sum += admitted[j]?.n ?? 0;
            const elapsed = (admitted[j]?.at ?? 0) - (admitted[i]?.at ?? 0);
            assert.ok(
              sum * MILLI <= limits.burst * MILLI + limits.requestsPerSecond * elapsed,
              `${sum} admitted in ${elapsed} ms with ${JSON.stringify(limits)}`,
            );
          }
        }
      }),
    );
  });

  it('grants what the bucket holds: a full bucket gives its burst at once, never a negative balance', () => {
    fc.assert(
      fc.property(limitsArb, takesArb, (limits, takes) => {
        const shard = shardLimits(limits, 0, 1);
        let state: BucketState | undefined;
        let now = T0;
        assert.equal(take(undefined, shard, shard.burst + 1, now).granted, shard.burst);
        for (const { gap, want } of takes) {
          now += gap;
          const result = take(state, shard, want, now);
          assert.ok(result.next.milliTokens >= 0 && Number.isSafeInteger(result.next.milliTokens));
          assert.ok(result.next.milliTokens <= shard.burst * MILLI);
          assert.ok(result.granted >= 0 && result.granted <= want);
          state = result.next;
        }
      }),
    );
  });

  it('answers Retry-After in whole seconds ≥ 1, after which a token is there, and not a second earlier', () => {
    const shardArb: fc.Arbitrary<ShardLimits> = fc.record({
      rate: fc.integer({ min: 1, max: 1_000 }),
      burst: fc.integer({ min: 1, max: 5_000 }),
    });
    fc.assert(
      fc.property(
        shardArb,
        fc.integer({ min: 0, max: MILLI - 1 }),
        fc.integer({ min: 0, max: 2 }),
        (shard, milliTokens, late) => {
          // Prepare: an empty shard (less than one token), looked at `late` ms after its last take
          const state: BucketState = { milliTokens: Math.min(milliTokens, shard.burst * MILLI), at: T0 };
          const now = T0 + late;
          fc.pre(take(state, shard, 1, now).granted === 0);
          // Act
          const seconds = retryAfterSeconds(state, shard, now);
          // Assess
          assert.ok(Number.isInteger(seconds) && seconds >= 1);
          assert.equal(take(state, shard, 1, now + seconds * 1000).granted, 1, 'honest');
          if (seconds > 1)
            assert.equal(take(state, shard, 1, now + (seconds - 1) * 1000).granted, 0, 'tight');
        },
      ),
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

  it('sizes a lease between 1 and a tenth of the burst, growing while demand outruns it', () => {
    fc.assert(
      fc.property(
        fc.record({ rate: fc.integer({ min: 1, max: 500 }), burst: fc.integer({ min: 1, max: 5_000 }) }),
        fc.option(
          fc.record({
            size: fc.integer({ min: 1, max: MAX_LEASE }),
            used: fc.integer({ min: 0, max: MAX_LEASE }),
          }),
        ),
        (shard, previous) => {
          const size = nextLeaseSize(previous ?? undefined, shard);
          const cap = Math.max(1, Math.min(MAX_LEASE, Math.floor(shard.burst / 10)));
          assert.ok(size >= 1 && size <= cap);
          if (previous && previous.used >= previous.size)
            assert.equal(size, Math.min(cap, previous.size * 2));
        },
      ),
    );
  });
});
