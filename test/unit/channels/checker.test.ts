import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { parseCheckDelays } from '../../../shared/channels/check-queue.js';
import { createChecker } from '../../../shared/channels/checker.js';
import type { ChannelCheck } from '../../../shared/channels/dispatcher.js';
import { FakeChannel, FakeDispatchStore, FakeOutcomes, PAY } from './dispatcher-fakes.js';

const pending = {
  kind: 'found',
  state: 'pending',
  channelReference: 'ch',
  amount: 1050,
  currency: 'USD',
} as const;

describe('channel checks', () => {
  let sandbox: FakeChannel;
  let store: FakeDispatchStore;
  let outcomes: FakeOutcomes;
  let rescheduled: ChannelCheck[];
  let unresolved: ChannelCheck[];

  beforeEach(() => {
    sandbox = new FakeChannel('sandbox');
    store = new FakeDispatchStore();
    outcomes = new FakeOutcomes();
    rescheduled = [];
    unresolved = [];
    store.payments.set(PAY, { status: 'processing', channel: 'sandbox', attempts: [] });
    store.refunds.set('re_1', { status: 'pending', channel: 'sandbox', attempts: [], amount: 300 });
  });

  const checker = () =>
    createChecker({
      adapters: { sandbox: sandbox.adapter() },
      store,
      outcomes,
      now: () => new Date('2026-12-06T12:00:00Z'),
      maxChecks: 3,
      reschedule: async (c) => void rescheduled.push(c),
      unresolved: async (c) => void unresolved.push(c),
    });
  const paymentCheck: ChannelCheck = {
    kind: 'payment',
    reference: PAY,
    paymentId: PAY,
    channel: 'sandbox',
    currency: 'USD',
    check: 1,
  };
  const refundCheck: ChannelCheck = { ...paymentCheck, kind: 'refund', reference: 're_1' };

  it('does nothing for a payment settled meanwhile or moved to another channel', async () => {
    store.payments.set(PAY, { status: 'succeeded', channel: 'sandbox', attempts: [] });
    assert.equal(await checker().check(paymentCheck), 'settled');
    store.payments.set(PAY, { status: 'processing', channel: 'stripe', attempts: [] });
    assert.equal(await checker().check(paymentCheck), 'settled');
    assert.deepEqual(sandbox.queried, []);
  });

  it('applies the outcome the channel reports through the outcome store', async () => {
    sandbox.query = { ...pending, state: 'succeeded' };
    assert.equal(await checker().check(paymentCheck), 'resolved');
    assert.deepEqual(
      outcomes.applied.map((o) => [o.reference, o.channel, o.to, o.eventId]),
      [[PAY, 'sandbox', 'succeeded', `check_sandbox_${PAY}`]],
    );
  });

  it('fails a payment the channel never took with channel_unavailable', async () => {
    sandbox.query = { kind: 'not_found' };
    assert.equal(await checker().check(paymentCheck), 'resolved');
    const stored = store.payments.get(PAY);
    assert.equal(stored?.status, 'failed');
    assert.equal(stored?.failureCode, 'channel_unavailable');
    assert.deepEqual(
      stored?.attempts.map((a) => [a.channel, a.outcome]),
      [['sandbox', 'unavailable']],
    );
  });

  it('fails a refund the channel never took, releasing its amount', async () => {
    sandbox.query = { kind: 'not_found' };
    assert.equal(await checker().check(refundCheck), 'resolved');
    assert.equal(store.refunds.get('re_1')?.status, 'failed');
    assert.equal(store.released, 300);
  });

  it('asks again a bound later while pending or unanswered, then hands it to ops', async () => {
    sandbox.query = pending;
    assert.equal(await checker().check(paymentCheck), 'rechecked');
    sandbox.query = { kind: 'unavailable', code: 'http_503', message: 'down' };
    assert.equal(await checker().check({ ...paymentCheck, check: 2 }), 'rechecked');
    assert.deepEqual(
      rescheduled.map((c) => c.check),
      [2, 3],
    );
    sandbox.query = pending;
    assert.equal(await checker().check({ ...paymentCheck, check: 3 }), 'unresolved');
    assert.deepEqual(
      unresolved.map((c) => c.check),
      [3],
    );
    assert.equal(store.payments.get(PAY)?.status, 'processing');
  });

  it('reads the bound of each channel from its configuration', () => {
    assert.deepEqual(parseCheckDelays('sandbox=2, stripe=600'), { sandbox: 2, stripe: 600 });
    assert.deepEqual(parseCheckDelays(''), {});
    assert.throws(() => parseCheckDelays('stripe=901'));
    assert.throws(() => parseCheckDelays('stripe'));
  });
});
