/**
 * The hot-key report's arithmetic: concrete partition keys reduced to patterns, who shares them, the load
 * per key of a sharded pattern, and the ceilings DynamoDB's per-key limits put on one merchant and one channel.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_REQUESTS_PER_SECOND } from '../../../shared/domain/flow/token-bucket.js';
import {
  ceilingOf,
  hotKeyTable,
  keyCeiling,
  keyPattern,
  limitShardedCeiling,
  perKeyLoad,
  SINGLE_CHANNEL_SCOPES,
  SINGLE_MERCHANT_SCOPES,
  scopeOf,
} from '../../bench/hot-keys.js';
import { busiestByChance } from '../../bench/spread.js';

describe('keyPattern', () => {
  it('reduces payment, merchant, endpoint and API-key keys to placeholders', () => {
    assert.equal(keyPattern('OBJ#gq3tmnrvgezdgmjq'), 'OBJ#<slot>');
    assert.equal(keyPattern('MER#m_demo_1'), 'MER#<merchant>');
    assert.equal(keyPattern('GSI1 MER#m_demo_1'), 'GSI1 MER#<merchant>');
    assert.equal(keyPattern('WHE#we_kq4tmnrvgezdgmjqa2'), 'WHE#<endpoint>');
    assert.equal(keyPattern(`KEY#${'ab12'.repeat(16)}`), 'KEY#<digest>');
  });

  it('keeps literals and names days, minutes, hours, shards and customers', () => {
    assert.equal(keyPattern('CTR#m_demo_1#AMT#2026-12-06#USD'), 'CTR#<merchant>#AMT#<day>#USD');
    assert.equal(
      keyPattern('CTR#m_demo_1#CFRQ#2026-12-06T10:07#cus_ab12_7'),
      'CTR#<merchant>#CFRQ#<minute>#<customer>',
    );
    assert.equal(keyPattern('GSI3 RECON#sandbox#2026-12-06#q'), 'GSI3 RECON#<channel>#<day>#<shard>');
    assert.equal(keyPattern('GSI2 SETL#m_demo_1#7'), 'GSI2 SETL#<merchant>#<shard>');
    assert.equal(keyPattern('HLT#stripe#USD#1765015200000#3'), 'HLT#<channel>#USD#<hour>#<shard>');
    assert.equal(
      keyPattern('QUOTA#m_1#sandbox#USD#2026-12-06#5'),
      'QUOTA#<merchant>#<channel>#USD#<day>#<shard>',
    );
    assert.equal(keyPattern('CHANNEL#sandbox'), 'CHANNEL#<channel>');
    assert.equal(keyPattern('RISKVEL#m_demo_1#e#wkgpyttm5mtoed2jz3kj2oz4vj'), 'RISKVEL#<merchant>#e#<id>');
    assert.equal(keyPattern('RISKCUS#m_demo_1#wkgpyttm5mtoed2jz3kj2oz4vj'), 'RISKCUS#<merchant>#<id>');
    assert.equal(keyPattern('MERCHANTS'), 'MERCHANTS');
  });

  it('does not mistake a short second segment for a shard', () => {
    assert.equal(keyPattern('DSC#ab'), 'DSC#ab');
  });
});

describe('scopeOf', () => {
  it('says who shares the keys of a pattern', () => {
    assert.equal(scopeOf('OBJ#<slot>'), 'payment');
    assert.equal(scopeOf('CTR#<merchant>#CFRQ#<minute>#<customer>'), 'payment');
    assert.equal(scopeOf('GSI1 MER#<merchant>'), 'merchant');
    assert.equal(scopeOf('WHE#<endpoint>'), 'merchant');
    assert.equal(scopeOf('HLT#<channel>#USD#<merchant>#<hour>#<shard>'), 'merchant');
    assert.equal(scopeOf('GSI3 RECON#<channel>#<day>#<shard>'), 'channel');
    assert.equal(scopeOf('BILLING'), 'global');
  });
});

describe('perKeyLoad', () => {
  it('counts the busiest key when one key takes everything', () => {
    const load = perKeyLoad([{ key: 'WHE#we_1', units: 400, count: 400 }], 200);
    assert.deepEqual(load, { units: 2, busiest: 'WHE#we_1' });
  });

  it('takes the mean over the keys touched when the busiest is within noise of an even spread', () => {
    // 200 writes over 32 shards: 6–7 per shard on average, the busiest at 11 is sampling noise.
    const tallies = Array.from({ length: 32 }, (_, i) => ({
      key: `s${i}`,
      units: i === 0 ? 11 : 6,
      count: i === 0 ? 11 : 6,
    }));
    const load = perKeyLoad(tallies, 200);
    assert.equal(load.units, (11 + 31 * 6) / 32 / 200);
  });

  it('counts the busiest key of a skewed spread', () => {
    const tallies = [
      { key: 'hot', units: 150, count: 150 },
      ...Array.from({ length: 31 }, (_, i) => ({ key: `s${i}`, units: 2, count: 2 })),
    ];
    assert.deepEqual(perKeyLoad(tallies, 200), { units: 0.75, busiest: 'hot' });
  });
});

describe('keyCeiling', () => {
  it('divides 1,000 WCU/s and 3,000 RCU/s by the units per payment and keeps the lower', () => {
    assert.deepEqual(keyCeiling(1, 0), { paymentsPerSecond: 1000, limitedBy: 'writes' });
    assert.deepEqual(keyCeiling(0.01, 1), { paymentsPerSecond: 3000, limitedBy: 'reads' });
    assert.deepEqual(keyCeiling(0, 0), { paymentsPerSecond: Infinity, limitedBy: 'none' });
  });
});

describe('hotKeyTable and ceilingOf', () => {
  const tally = (writeUnits: number, writes: number, readUnits = 0, reads = 0) => ({
    writeUnits,
    writes,
    readUnits,
    reads,
  });
  const keys: Record<string, ReturnType<typeof tally>> = {
    'GSI1 MER#m_demo_1': tally(100, 100),
    'MER#m_demo_1': tally(0, 0, 50, 100),
    'CHANNEL#sandbox': tally(0, 0, 10, 10),
  };
  for (let i = 0; i < 100; i += 1) keys[`OBJ#slot${i}`] = tally(5, 3, 1, 2);
  for (let i = 0; i < 32; i += 1)
    keys[`GSI3 RECON#sandbox#2026-12-06#${'abcdefghijklmnopqrstuvwxyz234567'[i]}`] = tally(3, 3);

  it('never limits on keys unique to a payment', () => {
    const rows = hotKeyTable(keys, 100);
    const obj = rows.find((r) => r.pattern === 'OBJ#<slot>');
    assert.equal(obj?.paymentsPerSecond, Infinity);
    assert.equal(obj?.writeUnitsPerLifecycle, 5);
  });

  it('names the merchant key that throttles first', () => {
    const rows = hotKeyTable(keys, 100);
    assert.deepEqual(ceilingOf(rows, SINGLE_MERCHANT_SCOPES), {
      paymentsPerSecond: 1000,
      limitingKey: 'GSI1 MER#<merchant>',
      limitedBy: 'writes',
    });
  });

  it('counts a sharded channel key per shard for the single-channel ceiling', () => {
    const rows = hotKeyTable(keys, 100);
    // 96 units over 32 shards: 0.03 a lifecycle per shard → 33,333 payments/s; channel reads 0.1 → 30,000.
    const c = ceilingOf(rows, SINGLE_CHANNEL_SCOPES);
    assert.equal(c.limitingKey, 'CHANNEL#<channel>');
    assert.equal(c.paymentsPerSecond, 30_000);
    const recon = rows.find((r) => r.pattern === 'GSI3 RECON#<channel>#<day>#<shard>');
    assert.ok(Math.abs((recon?.paymentsPerSecond ?? 0) - 100_000 / 3) < 1e-6);
  });
});

describe('keys that grow with the merchant’s flow limits', () => {
  it('names a numbered partition after the prefix a shard, not a short name', () => {
    assert.equal(keyPattern('GSI4 PAYMENTS#07'), 'GSI4 PAYMENTS#<shard>');
    assert.equal(keyPattern('DSC#ab'), 'DSC#ab');
  });

  it('spreads the flow buckets’ units per payment over the shards the limits at that rate take', () => {
    // One write every two payments: 500 a second on the one bucket at 1,000/s; above 500/s each bucket
    // serves at most 500 payments a second, so no bucket reaches 1,000 writes a second.
    assert.equal(limitShardedCeiling(0.5, 0), MAX_REQUESTS_PER_SECOND);
    // Two writes per payment: a bucket at its most (500/s) takes exactly 1,000 a second: within.
    assert.equal(limitShardedCeiling(2, 0), MAX_REQUESTS_PER_SECOND);
    // Three: one bucket takes 1,000 a second at 333/s, before a second bucket is added at 501/s.
    assert.equal(limitShardedCeiling(3, 0), 333);
    // Four writes per payment: one bucket takes 1,000 a second at 250/s, the first limit met.
    assert.equal(limitShardedCeiling(4, 0), 250);
  });

  it('takes the flow bucket pattern’s ceiling from the limits, not from the bench’s one bucket', () => {
    const rows = hotKeyTable(
      { 'FLOW#m_demo_1#0': { writeUnits: 40, writes: 40, readUnits: 0, reads: 0 } },
      100,
    );
    const flow = rows.find((r) => r.pattern === 'FLOW#<merchant>#<shard>');
    assert.equal(flow?.paymentsPerSecond, MAX_REQUESTS_PER_SECOND);
    assert.equal(flow?.limitedBy, 'writes');
  });
});

describe('busiestByChance', () => {
  it('judges the busiest of many shards against the busiest of as many draws', () => {
    // 400 writes over 64 shards: 16 on one is rare for one shard, not for the busiest of 64.
    assert.ok(busiestByChance(16, 6.25, 64) > 0.01);
    assert.ok(busiestByChance(16, 6.25, 1) < 0.001);
    // 150 of 212 on one of 32 keys is no accident.
    assert.ok(busiestByChance(150, 6.6, 32) < 1e-12);
    // Large means use the normal approximation: the mean itself is reached about half the time.
    assert.ok(Math.abs(busiestByChance(1000, 1000, 1) - 0.5) < 0.02);
  });
});
