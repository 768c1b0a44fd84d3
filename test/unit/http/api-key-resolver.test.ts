import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiKeyResolver,
  cachingResolver,
  KEY_CACHE_TTL_MS,
  MAX_KEY_CACHE_TTL_MS,
} from '../../../shared/http/api-key-resolver.js';

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

describe('API key resolver cache bounds (revocation, suspension, roll)', () => {
  it('answers a revoked key 401 within 10 s, whatever time to live is asked for', async () => {
    // Prepare
    let now = 0;
    let revoked = false;
    const { resolve } = counting(() => (revoked ? undefined : { merchantId: 'm_1', role: 'merchant' }));
    const cached = cachingResolver(resolve, { ttlMs: 3_600_000, now: () => now });
    assert.ok(await cached('sk_1'));
    // Act
    revoked = true;
    now = 9_999;
    const stillCached = await cached('sk_1');
    now = 10_000;
    const afterBound = await cached('sk_1');
    // Assess
    assert.ok(stillCached, 'a container may trust its cache until the bound');
    assert.equal(afterBound, undefined, 'never past the 10 s bound');
  });

  it('looks a known key up again after 5 s by default', async () => {
    let now = 0;
    const { calls, resolve } = counting(() => ({ merchantId: 'm_1', role: 'merchant' }));
    const cached = cachingResolver(resolve, { now: () => now });
    await cached('sk_1');
    now = KEY_CACHE_TTL_MS - 1;
    await cached('sk_1');
    now = KEY_CACHE_TTL_MS;
    await cached('sk_1');
    assert.equal(calls.length, 2);
    assert.ok(KEY_CACHE_TTL_MS <= MAX_KEY_CACHE_TTL_MS && MAX_KEY_CACHE_TTL_MS === 10_000);
  });

  it('answers a key past 80 % of its time to live at once and looks it up in the background', async () => {
    let now = 0;
    let revoked = false;
    const { calls, resolve } = counting(() =>
      revoked ? undefined : { merchantId: 'm_1', role: 'merchant' },
    );
    const cached = cachingResolver(resolve, { now: () => now });
    await cached('sk_1');
    revoked = true;
    now = KEY_CACHE_TTL_MS * 0.8;
    // Still the cached record, without waiting; the lookup it started finds the revocation.
    assert.deepEqual(await cached('sk_1'), { merchantId: 'm_1', role: 'merchant' });
    assert.equal(calls.length, 2);
    await new Promise((r) => setImmediate(r));
    assert.equal(await cached('sk_1'), undefined, 'revoked as soon as the background lookup landed');
  });

  it('never trusts a key past its time to live when the background lookups fail', async () => {
    let now = 0;
    let down = false;
    const cached = cachingResolver(
      async () => {
        if (down) throw new Error('unreachable');
        return { merchantId: 'm_1', role: 'merchant' };
      },
      { now: () => now },
    );
    await cached('sk_1');
    down = true;
    now = KEY_CACHE_TTL_MS - 1;
    assert.deepEqual(await cached('sk_1'), { merchantId: 'm_1', role: 'merchant' });
    await new Promise((r) => setImmediate(r));
    now = KEY_CACHE_TTL_MS;
    await assert.rejects(cached('sk_1'), /unreachable/);
  });

  it('stops a rolled key at its expiresAt to the millisecond, even from the cache', async () => {
    // Prepare
    let now = 1_000;
    const calls: string[] = [];
    const resolve: ApiKeyResolver = async (key) => {
      calls.push(key);
      return { merchantId: 'm_1', role: 'merchant', keyId: 'key_old', expiresAt: 3_000 };
    };
    const cached = cachingResolver(resolve, { now: () => now });
    // Act
    const before = await cached('sk_old');
    now = 2_999;
    const lastMoment = await cached('sk_old');
    now = 3_000;
    const expired = await cached('sk_old');
    // Assess
    assert.equal(before?.keyId, 'key_old');
    assert.ok(lastMoment);
    assert.equal(expired, undefined);
    assert.equal(calls.length, 1, 'the end is checked on the cached record, without a lookup');
  });

  it('keeps a suspended merchant’s record, so authentication can answer 403 rather than 401', async () => {
    const cached = cachingResolver(async () => ({
      merchantId: 'm_1',
      role: 'merchant',
      merchantSuspended: true,
    }));
    assert.deepEqual(await cached('sk_1'), { merchantId: 'm_1', role: 'merchant', merchantSuspended: true });
  });
});
