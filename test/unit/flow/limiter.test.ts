import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyLease,
  DEFAULT_FLOW_LIMITS,
  type FlowLimits,
  type LeasePlan,
} from '../../../shared/domain/flow/token-bucket.js';
import { FlowLimiter, type FlowStore, type ShardWrite } from '../../../shared/flow/limiter.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');

/** An in-memory table of shards with the adapter's conditional update, counting writes. */
class MemoryFlowStore implements FlowStore {
  readonly shards = new Map<string, number>();
  writes = 0;
  failWith?: Error;
  delayMs = 0;
  constructor(readonly limits: Record<string, FlowLimits> = {}) {}
  async limitsOf(merchantId: string): Promise<FlowLimits> {
    if (this.failWith) throw this.failWith;
    return this.limits[merchantId] ?? DEFAULT_FLOW_LIMITS;
  }
  async takeFromShard(merchantId: string, shard: number, plan: LeasePlan): Promise<ShardWrite> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw this.failWith;
    this.writes += 1;
    const key = `${merchantId}#${shard}`;
    const next = applyLease(this.shards.get(key), plan);
    if (next === null) return { ok: false, fullAt: this.shards.get(key) };
    this.shards.set(key, next);
    return { ok: true, fullAt: next };
  }
}

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function admitMany(limiter: FlowLimiter, merchantId: string, n: number) {
  const decisions = [];
  for (let i = 0; i < n; i++) decisions.push(await limiter.admit(merchantId));
  return decisions;
}

describe('flow limiter', () => {
  it('admits the burst then refuses with Retry-After, at one write per lease', async () => {
    // Prepare
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 10, burst: 100 } });
    const time = clock();
    const limiter = new FlowLimiter(store, { now: time.now });
    // Act
    const decisions = await admitMany(limiter, 'm_1', 120);
    // Assess
    assert.equal(decisions.filter((d) => d.admitted).length, 100);
    const refused = decisions.at(-1);
    assert.deepEqual(refused, { admitted: false, retryAfterSeconds: 1 });
    // Leases of 1, 2, 4, 8, 16, then 25 (a quarter of the burst) twice and the last 19: 8 writes for
    // 100 tokens, none for the 20 refusals.
    assert.equal(store.writes, 8);
  });

  it('refuses a merchant whose bucket it knows to be empty without a call', async () => {
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 1, burst: 2 } });
    const limiter = new FlowLimiter(store, { now: clock().now });
    await admitMany(limiter, 'm_1', 3);
    const writes = store.writes;
    const decisions = await admitMany(limiter, 'm_1', 50);
    assert.ok(decisions.every((d) => !d.admitted));
    assert.equal(store.writes, writes);
  });

  it('shares one bucket between containers: together they admit no more than burst + rate × elapsed', async () => {
    // Prepare: three containers (limiters) on one store, 2 s of requests every 10 ms from each
    const limits = { requestsPerSecond: 20, burst: 10 };
    const store = new MemoryFlowStore({ m_1: limits });
    const time = clock();
    const containers = [0, 1, 2].map(() => new FlowLimiter(store, { now: time.now }));
    let admitted = 0;
    // Act
    for (let t = 0; t < 2_000; t += 10) {
      for (const c of containers) if ((await c.admit('m_1')).admitted) admitted += 1;
      time.advance(10);
    }
    // Assess: the bucket's bound, plus at most one lease's early tokens (LEASE_MS × rate)
    assert.ok(admitted <= limits.burst + limits.requestsPerSecond * 2, `${admitted} admitted`);
    assert.ok(admitted >= limits.requestsPerSecond * 2 * 0.8, `${admitted} admitted: tokens were wasted`);
  });

  it('lets an expired lease go: its tokens are not used more than a lease after they were taken', async () => {
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 1, burst: 200 } });
    const time = clock();
    const limiter = new FlowLimiter(store, { now: time.now, leaseMs: 1_000, prefetch: false });
    await admitMany(limiter, 'm_1', 8); // leases of 1, 2, 4, then 1 of 8 tokens used
    const writes = store.writes;
    time.advance(1_001);
    await limiter.admit('m_1');
    assert.equal(store.writes, writes + 1, 'a new lease was written');
  });

  it('keeps merchants apart: one merchant refused does not refuse or delay another', async () => {
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 1, burst: 1 } });
    const limiter = new FlowLimiter(store, { now: clock().now });
    const flood = await admitMany(limiter, 'm_1', 20);
    const other = await admitMany(limiter, 'm_2', 20);
    assert.equal(flood.filter((d) => d.admitted).length, 1);
    assert.ok(other.every((d) => d.admitted));
  });

  it('lets concurrent requests of one merchant wait for a single lease write', async () => {
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 100, burst: 200 } });
    store.delayMs = 5;
    const limiter = new FlowLimiter(store, { now: clock().now });
    await limiter.admit('m_1');
    const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.admit('m_1')));
    assert.ok(decisions.every((d) => d.admitted));
    assert.ok(store.writes <= 4, `${store.writes} writes`);
  });

  it('moves to another shard when one is empty, and refuses only when all are', async () => {
    // 1,000 rps over 2 shards of 500, burst 4 (2 each): the random draw always starts at shard 0
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 1_000, burst: 4 } });
    const limiter = new FlowLimiter(store, { now: clock().now, random: () => 0 });
    const decisions = await admitMany(limiter, 'm_1', 5);
    assert.equal(decisions.filter((d) => d.admitted).length, 4);
    assert.deepEqual([...store.shards.keys()].sort(), ['m_1#0', 'm_1#1']);
  });

  it('learns from a refused take that another container emptied the shard, and refuses', async () => {
    // Prepare: two containers, a bucket of 2
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 1, burst: 2 } });
    const time = clock();
    const a = new FlowLimiter(store, { now: time.now, prefetch: false });
    const b = new FlowLimiter(store, { now: time.now, prefetch: false });
    // Act: a and b take one each (concurrent takes of a shard both succeed); a still believes one is left
    const taken = [await a.admit('m_1'), await b.admit('m_1')];
    const refused = await a.admit('m_1');
    const again = await a.admit('m_1');
    // Assess
    assert.ok(taken.every((d) => d.admitted));
    assert.deepEqual(refused, { admitted: false, retryAfterSeconds: 1 });
    assert.deepEqual(again, refused);
    // a: its take, one refused take (now it knows), no call for the last refusal; b: a refused restart
    // (it had never seen the shard, which was not idle any more), then its take.
    assert.equal(store.writes, 4);
  });

  it('is admitted by a busy shard it guessed idle, even while others keep it busy and the clock runs', async () => {
    // Prepare: before each of this container's writes lands, others take a token at the current time and
    // the write itself takes 20 ms, so a fresh clock would always find the shard's fullAt just past.
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 100, burst: 200 } });
    const time = clock();
    const takeFromShard = store.takeFromShard.bind(store);
    store.takeFromShard = async (merchantId, shard, plan) => {
      const key = `${merchantId}#${shard}`;
      const now = time.now() * 1000;
      store.shards.set(key, Math.max(store.shards.get(key) ?? now, now) + 10_000);
      time.advance(20);
      return takeFromShard(merchantId, shard, plan);
    };
    const limiter = new FlowLimiter(store, { now: time.now });
    // Act
    const decisions = await admitMany(limiter, 'm_1', 5);
    // Assess
    assert.ok(
      decisions.every((d) => d.admitted),
      JSON.stringify(decisions),
    );
  });

  it('takes the next lease ahead: past its first leases, a container at a steady pace never waits', async () => {
    // Prepare: a store 20 ms away, a request every 5 ms
    const store = new MemoryFlowStore({ m_1: { requestsPerSecond: 1_000, burst: 200 } });
    store.delayMs = 20;
    const limiter = new FlowLimiter(store);
    const waited: boolean[] = [];
    // Act
    for (let i = 0; i < 150; i++) {
      const started = performance.now();
      assert.ok((await limiter.admit('m_1')).admitted);
      waited.push(performance.now() - started >= 15);
      await new Promise((r) => setTimeout(r, 5));
    }
    // Assess: waits only while leases are still growing (1, 2, 4, 8 tokens)
    assert.ok(waited.slice(0, 20).filter(Boolean).length <= 5, JSON.stringify(waited.slice(0, 20)));
    assert.deepEqual(
      waited.slice(20).filter(Boolean).length,
      0,
      'no request waits once leases are large enough to cover a write',
    );
  });

  it('fails open when the store is unreachable, tells it once, then leaves the store alone a while', async () => {
    // Prepare
    const store = new MemoryFlowStore();
    store.failWith = Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
    const time = clock();
    const told: string[] = [];
    const limiter = new FlowLimiter(store, {
      now: time.now,
      failOpenMs: 1_000,
      onStoreError: (merchantId) => told.push(merchantId),
      prefetch: false,
    });
    // Act
    const decisions = await admitMany(limiter, 'm_1', 30);
    // Assess
    assert.ok(decisions.every((d) => d.admitted));
    assert.deepEqual(told, ['m_1']);
    time.advance(1_001);
    store.failWith = undefined;
    assert.deepEqual(await limiter.admit('m_1'), { admitted: true });
    assert.equal(store.writes, 1);
  });
});
