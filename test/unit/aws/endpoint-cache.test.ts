/**
 * The bundles' endpoint cache (an alias of `@aws-sdk/endpoint-cache`) answers as the SDK's own does,
 * operation for operation, including expiry and eviction of the least recently used key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointCache as SdkEndpointCache } from '@aws-sdk/endpoint-cache';
import { EndpointCache } from '../../../shared/aws/endpoint-cache.js';

type Cache = Pick<SdkEndpointCache, 'get' | 'set' | 'has' | 'delete' | 'getEndpoint' | 'clear'>;

/** Runs the same operations on a cache and records what each answered. */
function script(cache: Cache, advance: (ms: number) => void): unknown[] {
  const seen: unknown[] = [];
  cache.set('a', [{ Address: 'a1', CachePeriodInMinutes: 1 }]);
  cache.set('b', [{ Address: 'b1', CachePeriodInMinutes: 10 }]);
  seen.push(cache.has('a'), cache.getEndpoint('a'), cache.get('b'));
  // 'a' was read last: 'b' is the least recently used when 'c' comes in.
  cache.get('a');
  cache.set('c', [{ Address: 'c1', CachePeriodInMinutes: 10 }]);
  seen.push(cache.has('b'), cache.has('a'), cache.has('c'));
  advance(2 * 60_000);
  seen.push(cache.get('a'), cache.has('a'), cache.getEndpoint('c'));
  cache.delete('c');
  seen.push(cache.has('c'), cache.get('c'));
  cache.set('d', []);
  seen.push(cache.has('d'), cache.getEndpoint('d'));
  cache.clear();
  seen.push(cache.has('a'), cache.has('d'));
  return seen;
}

describe('endpoint cache', () => {
  it('answers as the SDK cache does', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const sdk = script(new SdkEndpointCache(2), (ms) => t.mock.timers.tick(ms));
    t.mock.timers.reset();
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const ours = script(new EndpointCache(2), (ms) => t.mock.timers.tick(ms));
    assert.deepEqual(ours, sdk);
    assert.equal(ours[3], false, 'the least recently used key was evicted');
  });
});
