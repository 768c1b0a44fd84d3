import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachePerContainer } from '../../../shared/store/container-cache.js';

/** A store whose reads answer `v<n>` (n counts reads) once `release` is called, or fail when told to. */
function store() {
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  let reads = 0;
  return {
    load: (_key: string) =>
      new Promise<string>((resolve, reject) => {
        reads += 1;
        const n = reads;
        pending.push({ resolve: () => resolve(`v${n}`), reject });
      }),
    get reads() {
      return reads;
    },
    release: () => pending.shift()?.resolve(''),
    fail: () => pending.shift()?.reject(new Error('store down')),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('cachePerContainer', () => {
  it('answers a fresh value without a read, and concurrent misses share one read', async () => {
    let t = 0;
    const s = store();
    const get = cachePerContainer(s.load, { ttlMs: 1000, now: () => t });
    const [a, b] = [get('m'), get('m')];
    s.release();
    assert.deepEqual(await Promise.all([a, b]), ['v1', 'v1']);
    t = 799;
    assert.equal(await get('m'), 'v1');
    assert.equal(s.reads, 1);
  });

  it('answers a value past 80 % of its TTL at once and replaces it by one background read', async () => {
    let t = 0;
    const s = store();
    const get = cachePerContainer(s.load, { ttlMs: 1000, now: () => t });
    const first = get('m');
    s.release();
    await first;
    t = 850;
    assert.equal(await get('m'), 'v1', 'the stale value, without waiting');
    assert.equal(await get('m'), 'v1');
    assert.equal(s.reads, 2, 'one background read, not one per hit');
    s.release();
    await tick();
    assert.equal(await get('m'), 'v2');
    // The new value counts from its own read's start (850): fresh until 1650, refreshed after, gone at 1850.
    t = 1849;
    assert.equal(await get('m'), 'v2');
    assert.equal(s.reads, 3);
  });

  it('never answers a value its TTL after its read started, even when the background read failed', async () => {
    let t = 0;
    const s = store();
    const get = cachePerContainer(s.load, { ttlMs: 1000, now: () => t });
    const first = get('m');
    s.release();
    await first;
    t = 850;
    assert.equal(await get('m'), 'v1');
    s.fail();
    await tick();
    t = 900;
    assert.equal(await get('m'), 'v1', 'still within its TTL: answered, and read again in the background');
    assert.equal(s.reads, 3);
    s.fail();
    await tick();
    t = 1000;
    const late = get('m');
    assert.equal(s.reads, 4, 'past its TTL: the request waits for a read');
    s.release();
    assert.equal(await late, 'v4');
  });

  it('does not cache a failed read, and refreshes nothing with refreshAfterMs at the TTL', async () => {
    let t = 0;
    const s = store();
    const get = cachePerContainer(s.load, { ttlMs: 1000, refreshAfterMs: 1000, now: () => t });
    const failed = get('m');
    s.fail();
    await assert.rejects(failed, /store down/);
    const ok = get('m');
    s.release();
    assert.equal(await ok, 'v2');
    t = 999;
    assert.equal(await get('m'), 'v2');
    assert.equal(s.reads, 2);
  });

  it('keeps at most maxEntries keys', async () => {
    const s = store();
    const get = cachePerContainer(s.load, { ttlMs: 1000, maxEntries: 2, now: () => 0 });
    for (const k of ['a', 'b', 'c']) {
      const v = get(k);
      s.release();
      await v;
    }
    const again = get('a');
    assert.equal(s.reads, 4, 'the oldest key was dropped');
    s.release();
    await again;
  });
});
