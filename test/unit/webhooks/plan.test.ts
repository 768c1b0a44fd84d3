import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDeliveries } from '../../../shared/webhooks/plan.js';

const at = '2026-01-02T00:00:00.000Z';
const endpoint = (id: string, overrides: Partial<Parameters<typeof planDeliveries>[0][number]> = {}) => ({
  id,
  events: ['payment.succeeded', 'refund.succeeded'] as const,
  status: 'enabled' as const,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('webhook delivery planning', () => {
  it('sends to enabled endpoints subscribed to the type', () => {
    const plan = planDeliveries(
      [endpoint('a'), endpoint('b', { events: ['payment.failed'] }), endpoint('c', { status: 'disabled' })],
      'payment.succeeded',
      at,
    );
    assert.deepEqual(
      plan.pending.map((e) => e.id),
      ['a'],
    );
  });

  it('leaves out endpoints that already answered 2xx for the event', () => {
    const plan = planDeliveries([endpoint('a'), endpoint('b')], 'payment.succeeded', at, new Set(['a']));
    assert.deepEqual(
      plan.subscribed.map((e) => e.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      plan.pending.map((e) => e.id),
      ['b'],
    );
  });

  it('does not send an event to an endpoint registered after it happened', () => {
    const plan = planDeliveries(
      [endpoint('late', { createdAt: '2026-01-03T00:00:00.000Z' })],
      'payment.succeeded',
      at,
    );
    assert.deepEqual(plan.pending, []);
  });
});
