import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebhookEndpointItem } from '../../../shared/store/dynamodb/webhook-endpoints.js';
import {
  cachedEndpoints,
  ENDPOINTS_CACHE_MS,
  MAX_ENDPOINTS_CACHE_MS,
} from '../../../shared/webhooks/endpoint-cache.js';

const endpoint = (id: string) => ({ id }) as WebhookEndpointItem;

function counting(lists: Record<string, WebhookEndpointItem[]>, fail = new Set<string>()) {
  const calls: string[] = [];
  return {
    calls,
    async listForMerchant(merchantId: string) {
      calls.push(merchantId);
      if (fail.has(merchantId)) throw new Error('throttled');
      return lists[merchantId] ?? [];
    },
  };
}

describe("the webhook consumer's endpoint cache", () => {
  it('reads a merchant once per TTL, empty lists included, and again once it is over', async () => {
    let now = 1_000;
    const source = counting({ m_a: [endpoint('we_1')] });
    const cached = cachedEndpoints(source, { now: () => now });
    assert.deepEqual(await cached.listForMerchant('m_a'), [endpoint('we_1')]);
    assert.deepEqual(await cached.listForMerchant('m_b'), []);
    now += ENDPOINTS_CACHE_MS - 1;
    await Promise.all([cached.listForMerchant('m_a'), cached.listForMerchant('m_b')]);
    assert.deepEqual(source.calls, ['m_a', 'm_b']);
    now += 1;
    await cached.listForMerchant('m_a');
    assert.deepEqual(source.calls, ['m_a', 'm_b', 'm_a'], 'a change shows within the TTL');
  });

  it('shares one read between concurrent events, and does not keep a failed read', async () => {
    const fail = new Set(['m_a']);
    const source = counting({}, fail);
    const cached = cachedEndpoints(source, { now: () => 0 });
    const results = await Promise.allSettled([cached.listForMerchant('m_a'), cached.listForMerchant('m_a')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(source.calls.length, 1);
    fail.clear();
    assert.deepEqual(await cached.listForMerchant('m_a'), []);
    assert.equal(source.calls.length, 2);
  });

  it('reads per event with a TTL of 0, bounds any TTL, and bounds its entries', async () => {
    const source = counting({});
    const uncached = cachedEndpoints(source, { ttlMs: 0 });
    await uncached.listForMerchant('m_a');
    await uncached.listForMerchant('m_a');
    assert.equal(source.calls.length, 2);

    let now = 0;
    const long = counting({});
    const bounded = cachedEndpoints(long, { ttlMs: 10 * MAX_ENDPOINTS_CACHE_MS, now: () => now });
    await bounded.listForMerchant('m_a');
    now = MAX_ENDPOINTS_CACHE_MS;
    await bounded.listForMerchant('m_a');
    assert.equal(long.calls.length, 2, 'never trusted past the bound');

    const small = counting({});
    const few = cachedEndpoints(small, { maxEntries: 2, now: () => 0 });
    for (const m of ['m_1', 'm_2', 'm_3', 'm_1']) await few.listForMerchant(m);
    assert.deepEqual(small.calls, ['m_1', 'm_2', 'm_3', 'm_1'], 'the oldest entry made room');
  });
});
