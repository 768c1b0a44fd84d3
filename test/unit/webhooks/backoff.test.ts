import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_MAX_RECEIVE_COUNT,
  MAX_VISIBILITY_SECONDS,
  RETRY_SCHEDULE_SECONDS,
  retryDelaySeconds,
} from '../../../shared/webhooks/backoff.js';

describe('webhook retry backoff', () => {
  it('follows the documented schedule: 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h', () => {
    const delays = Array.from({ length: 9 }, (_, i) => retryDelaySeconds(i + 1, 100));
    assert.deepEqual(delays, [10, 30, 120, 600, 1800, 3600, 10_800, 21_600, 43_200]);
  });

  it('brings the first retry within 30 s (contract, local runtime)', () => {
    assert.ok(retryDelaySeconds(1) <= 30);
  });

  it('never exceeds SQS maximum visibility timeout and never shrinks from one try to the next', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (n) => {
        const now = retryDelaySeconds(n, Number.MAX_SAFE_INTEGER);
        const next = retryDelaySeconds(n + 1, Number.MAX_SAFE_INTEGER);
        assert.ok(now <= MAX_VISIBILITY_SECONDS);
        assert.ok(next >= now);
      }),
    );
  });

  it('does not wait after the last receive: the message goes to the dead-letter queue at once', () => {
    assert.equal(retryDelaySeconds(DEFAULT_MAX_RECEIVE_COUNT), 0);
    assert.equal(retryDelaySeconds(3, 3), 0);
    assert.equal(retryDelaySeconds(2, 3), RETRY_SCHEDULE_SECONDS[1]);
  });

  it('keeps the whole default schedule inside SQS default retention (4 days)', () => {
    let total = 0;
    for (let n = 1; n < DEFAULT_MAX_RECEIVE_COUNT; n++) total += retryDelaySeconds(n);
    assert.ok(total < 4 * 24 * 3600, `${total} s`);
  });

  it('treats a missing or malformed receive count as the first receive', () => {
    assert.equal(retryDelaySeconds(Number.NaN), 10);
    assert.equal(retryDelaySeconds(0), 10);
  });
});
