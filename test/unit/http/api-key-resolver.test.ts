import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ApiKeyResolver, cachingResolver } from '../../../shared/http/api-key-resolver.js';

function counting(answer: (key: string) => { merchantId: string; role: 'merchant' } | undefined) {
  const calls: string[] = [];
  const resolve: ApiKeyResolver = async (key) => {
    calls.push(key);
    return answer(key);
  };
  return { calls, resolve };
}

describe('API key resolver cache', () => {
  it('answers a known key from the cache until its time to live passes', async () => {
    // Prepare
    let now = 0;
    const { calls, resolve } = counting(() => ({ merchantId: 'm_1', role: 'merchant' }));
    const cached = cachingResolver(resolve, { ttlMs: 60_000, now: () => now });
    // Act
    await cached('sk_1');
    await cached('sk_1');
    now = 60_001;
    const later = await cached('sk_1');
    // Assess
    assert.equal(calls.length, 2);
    assert.deepEqual(later, { merchantId: 'm_1', role: 'merchant' });
  });

  it('remembers an unknown key only briefly, so a new key works soon', async () => {
    let now = 0;
    let known = false;
    const { calls, resolve } = counting(() => (known ? { merchantId: 'm_1', role: 'merchant' } : undefined));
    const cached = cachingResolver(resolve, { negativeTtlMs: 5_000, now: () => now });
    assert.equal(await cached('sk_new'), undefined);
    assert.equal(await cached('sk_new'), undefined);
    known = true;
    now = 5_001;
    assert.deepEqual(await cached('sk_new'), { merchantId: 'm_1', role: 'merchant' });
    assert.equal(calls.length, 2);
  });

  it('shares one lookup between concurrent requests with the same key', async () => {
    const { calls, resolve } = counting(() => ({ merchantId: 'm_1', role: 'merchant' }));
    const cached = cachingResolver(resolve);
    await Promise.all(Array.from({ length: 10 }, () => cached('sk_1')));
    assert.equal(calls.length, 1);
  });

  it('does not cache a failed lookup', async () => {
    let fail = true;
    const cached = cachingResolver(async () => {
      if (fail) throw new Error('throttled');
      return { merchantId: 'm_1', role: 'merchant' };
    });
    await assert.rejects(cached('sk_1'), /throttled/);
    fail = false;
    assert.deepEqual(await cached('sk_1'), { merchantId: 'm_1', role: 'merchant' });
  });

  it('keeps at most maxEntries keys, whatever callers send', async () => {
    const { calls, resolve } = counting(() => undefined);
    const cached = cachingResolver(resolve, { maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await cached(key);
    await cached('a'); // evicted, looked up again
    await cached('d'); // still cached
    assert.deepEqual(calls, ['a', 'b', 'c', 'd', 'a']);
  });
});
