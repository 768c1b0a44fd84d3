/**
 * Reads behind per-container caches, scaled by containers (Little's law) rather than by payments.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONTAINER_CACHED_READS,
  callerReads,
  containerCeiling,
  containerReadsPerSecond,
  readDriverOf,
} from '../../bench/container-reads.js';

describe('container-cached reads', () => {
  // 4 create containers over a 10 s span read 40 units: 1 unit per container-second. A create is one
  // invocation per payment of 40 ms: at 20,000/s, 800 containers.
  const drivers = {
    callers: { Create: { environments: 4, invocationsPerPayment: 1, secondsPerInvocation: 0.04 } },
    spanSeconds: 10,
    paymentsPerSecond: 20,
  };

  it('measures units per container-second and how often a container is invoked', () => {
    const c = callerReads({ Create: 40, Unknown: 3 }, drivers);
    assert.deepEqual(Object.keys(c), ['Create']);
    assert.equal(c.Create?.readUnitsPerContainerSecond, 1);
    assert.equal(c.Create?.invocationsPerContainerSecond, 5);
  });

  it('scales reads with the containers a rate needs, at least one', () => {
    const c = callerReads({ Create: 40 }, drivers);
    assert.equal(containerReadsPerSecond(c, 1, 20_000), 800);
    // Below 25/s one container serves every payment: its reads do not fall further.
    assert.equal(containerReadsPerSecond(c, 1, 10), 1);
    // Half the reads on the busiest key of a sharded pattern.
    assert.equal(containerReadsPerSecond(c, 0.5, 20_000), 400);
  });

  it('finds the rate at which the busiest key reaches its read or write limit', () => {
    const c = callerReads({ Create: 40 }, drivers);
    // 3,000 units ÷ (1 unit × 0.04 containers per payment/s) = 75,000/s.
    assert.equal(containerCeiling(c, 1, 0, { read: 3000, write: 1000, cap: 1_000_000 }), 75_000);
    // A write on the key every 20 payments limits first: 20,000/s.
    assert.equal(containerCeiling(c, 1, 0.05, { read: 3000, write: 1000, cap: 1_000_000 }), 20_000);
    assert.equal(containerCeiling({}, 1, 0, { read: 3000, write: 1000, cap: 500 }), 500);
  });

  it("scales an owner's function's reads for create's caches by create's containers, not its own", () => {
    // risk's function ran in 1 environment and read 40 units for 4 create containers' cache misses.
    const withOwners = {
      ...drivers,
      callers: {
        ApiCreatePaymentFunction1A2B3C4D: drivers.callers.Create,
        MerchantRiskProfileFunctionDEADBEEF: {
          environments: 1,
          invocationsPerPayment: 0.05,
          secondsPerInvocation: 0.01,
        },
        ChannelFactsFunction0123ABCD: {
          environments: 2,
          invocationsPerPayment: 0.1,
          secondsPerInvocation: 0.02,
        },
      },
    };
    const ids = Object.keys(withOwners.callers);
    assert.equal(
      readDriverOf('MerchantRiskProfileFunctionDEADBEEF', ids),
      'ApiCreatePaymentFunction1A2B3C4D',
    );
    assert.equal(readDriverOf('ChannelFactsFunction0123ABCD', ids), 'ApiCreatePaymentFunction1A2B3C4D');
    // A function that caches for itself drives its own reads.
    assert.equal(readDriverOf('ApiCreatePaymentFunction1A2B3C4D', ids), 'ApiCreatePaymentFunction1A2B3C4D');
    const c = callerReads({ MerchantRiskProfileFunctionDEADBEEF: 40 }, withOwners);
    const risk = c.MerchantRiskProfileFunctionDEADBEEF;
    assert.equal(risk?.drivenBy, 'ApiCreatePaymentFunction1A2B3C4D');
    // 40 units ÷ 4 create containers ÷ 10 s, and create's containers at the rate: 800 at 20,000/s.
    assert.equal(risk?.readUnitsPerContainerSecond, 1);
    assert.equal(containerReadsPerSecond(c, 1, 20_000), 800);
  });

  it('counts the channel records and the outcome windows as per-container reads', () => {
    for (const p of [
      'RISK#<merchant>',
      'ROUTING#<merchant>',
      'CHANNEL#<channel>',
      'HLT#<channel>#USD#<hour>#<shard>',
    ])
      assert.ok(CONTAINER_CACHED_READS.has(p), p);
  });
});
