import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelOverview } from '../../../shared/ops/overview.js';

const HOUR = 3_600_000;
const hour = (h: number, succeeded: number, failed: number, unavailable: number) => ({
  hourStart: Date.UTC(2026, 11, 6) + h * HOUR,
  succeeded,
  failed,
  unavailable,
});

describe('channelOverview', () => {
  it("sums a channel's hours: volume is outcomes, the authorization rate succeeded over them", () => {
    // Act
    const sandbox = channelOverview('sandbox', [hour(0, 90, 10, 0), hour(1, 45, 5, 50)]);
    // Assess
    assert.equal(sandbox.volume, 150);
    assert.equal(sandbox.authorizationRate, 0.9);
    assert.equal(sandbox.unavailable, 50);
    assert.equal(sandbox.unavailableRate, 0.25);
    assert.deepEqual(sandbox.hours[1], {
      hour: '2026-12-06T01:00:00.000Z',
      succeeded: 45,
      failed: 5,
      unavailable: 50,
    });
  });

  it('answers null rates for a channel with nothing to divide, never NaN', () => {
    const quiet = channelOverview('stripe', [hour(0, 0, 0, 0)]);
    assert.equal(quiet.authorizationRate, null);
    assert.equal(quiet.unavailableRate, null);
    const down = channelOverview('alipay', [hour(0, 0, 0, 3)]);
    assert.equal(down.authorizationRate, null);
    assert.equal(down.unavailableRate, 1);
  });
});
