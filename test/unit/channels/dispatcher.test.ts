import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { createDispatcher, DispatchBatch, RefundNotTakenError } from '../../../shared/channels/dispatcher.js';
import { FakeBreakers, FakeChannel, FakeDispatchStore, FakeOutcomes, PAY } from './dispatcher-fakes.js';

const unavailable = { kind: 'unavailable', code: 'http_503', message: 'down' } as const;
const unknown = { kind: 'unknown', code: 'timeout', message: 'no answer' } as const;
const declined = { kind: 'declined', code: 'http_402', message: 'card declined' } as const;

describe('channel dispatcher', () => {
  let channels: Record<'sandbox' | 'stripe' | 'alipay' | 'wechatpay', FakeChannel>;
  let store: FakeDispatchStore;
  let breakers: FakeBreakers;
  let outcomes: FakeOutcomes;
  let batch: DispatchBatch;

  beforeEach(() => {
    channels = {
      sandbox: new FakeChannel('sandbox'),
      stripe: new FakeChannel('stripe'),
      alipay: new FakeChannel('alipay'),
      wechatpay: new FakeChannel('wechatpay'),
    };
    store = new FakeDispatchStore();
    breakers = new FakeBreakers();
    outcomes = new FakeOutcomes();
    batch = new DispatchBatch();
  });

  function dispatcher() {
    return createDispatcher({
      adapters: Object.fromEntries(Object.entries(channels).map(([n, c]) => [n, c.adapter()])),
      store,
      outcomes,
      breakers,
      breakerPosition: breakers.position,
      now: () => new Date('2026-12-06T12:00:00Z'),
    });
  }

  /** A processing payment at `candidates[0]`, as inserted; `image` is the record's channel. */
  function payment(candidates: string[], image = candidates[0] ?? null) {
    store.payments.set(PAY, { status: 'processing', channel: candidates[0] ?? null, attempts: [] });
    return {
      id: PAY,
      merchantId: 'm_1',
      amount: 1050,
      currency: 'USD',
      channel: image,
      metadata: { sandbox_outcome_stripe: 'succeed' },
      routing: { candidates },
    };
  }

  const submissions = () =>
    Object.fromEntries(
      Object.entries(channels)
        .filter(([, c]) => c.submitted.length > 0)
        .map(([n, c]) => [n, c.submitted.length]),
    );

  it('writes nothing for an accepted submission and schedules its check', async () => {
    // Act
    const sent = await dispatcher().dispatchPayment(payment(['sandbox', 'stripe']), batch);
    // Assess
    assert.deepEqual(sent, ['sandbox']);
    assert.deepEqual(store.payments.get(PAY), { status: 'processing', channel: 'sandbox', attempts: [] });
    assert.deepEqual(breakers.events, []);
    assert.deepEqual(
      batch.checks.map((c) => [c.kind, c.channel, c.check]),
      [['payment', 'sandbox', 1]],
    );
  });

  it('fails a declined payment with failureCode declined and never fails it over', async () => {
    channels.sandbox.submit = declined;
    await dispatcher().dispatchPayment(payment(['sandbox', 'stripe']), batch);
    const stored = store.payments.get(PAY);
    assert.equal(stored?.status, 'failed');
    assert.equal(stored?.failureCode, 'declined');
    assert.deepEqual(
      stored?.attempts.map((a) => [a.channel, a.outcome]),
      [['sandbox', 'declined']],
    );
    assert.deepEqual(submissions(), { sandbox: 1 });
    assert.deepEqual(breakers.events, [['sandbox', 'declined']]);
  });

  it('fails over in the candidates order when a channel is unavailable', async () => {
    channels.sandbox.submit = unavailable;
    const sent = await dispatcher().dispatchPayment(payment(['sandbox', 'stripe', 'alipay']), batch);
    assert.deepEqual(sent, ['sandbox', 'stripe']);
    const stored = store.payments.get(PAY);
    assert.equal(stored?.status, 'processing');
    assert.equal(stored?.channel, 'stripe');
    assert.deepEqual(
      stored?.attempts.map((a) => [a.channel, a.outcome]),
      [['sandbox', 'unavailable']],
    );
    assert.deepEqual(breakers.events, [['sandbox', 'unavailable']]);
    assert.deepEqual(batch.unavailableCounts(), [
      { channel: 'sandbox', merchantId: 'm_1', currency: 'USD', n: 1 },
    ]);
    assert.deepEqual(
      batch.checks.map((c) => c.channel),
      ['stripe'],
    );
  });

  it('fails over at most twice, then fails with channel_unavailable', async () => {
    for (const c of Object.values(channels)) c.submit = unavailable;
    const sent = await dispatcher().dispatchPayment(
      payment(['sandbox', 'stripe', 'alipay', 'wechatpay']),
      batch,
    );
    assert.deepEqual(sent, ['sandbox', 'stripe', 'alipay']);
    assert.equal(channels.wechatpay.submitted.length, 0);
    const stored = store.payments.get(PAY);
    assert.equal(stored?.status, 'failed');
    assert.equal(stored?.failureCode, 'channel_unavailable');
    assert.deepEqual(
      stored?.attempts.map((a) => [a.channel, a.outcome]),
      [
        ['sandbox', 'unavailable'],
        ['stripe', 'unavailable'],
        ['alipay', 'unavailable'],
      ],
    );
    assert.deepEqual(batch.checks, []);
  });

  it('never fails a pinned payment over', async () => {
    channels.stripe.submit = unavailable;
    await dispatcher().dispatchPayment(payment(['stripe']), batch);
    const stored = store.payments.get(PAY);
    assert.equal(stored?.failureCode, 'channel_unavailable');
    assert.deepEqual(
      stored?.attempts.map((a) => [a.channel, a.outcome]),
      [['stripe', 'unavailable']],
    );
    assert.deepEqual(submissions(), { stripe: 1 });
  });

  it('fails over after a timeout only when a status query finds nothing', async () => {
    channels.sandbox.submit = unknown;
    await dispatcher().dispatchPayment(payment(['sandbox', 'stripe']), batch);
    assert.deepEqual(channels.sandbox.queried, [PAY]);
    assert.deepEqual(submissions(), { sandbox: 1, stripe: 1 });
    assert.equal(store.payments.get(PAY)?.channel, 'stripe');
  });

  it('leaves a payment the channel may have where it is, for its check', async () => {
    channels.sandbox.submit = unknown;
    for (const query of [
      { kind: 'unknown', code: 'timeout', message: 'again' } as const,
      { kind: 'found', state: 'pending', channelReference: 'ch', amount: 1050, currency: 'USD' } as const,
    ]) {
      channels.sandbox.query = query;
      batch = new DispatchBatch();
      await dispatcher().dispatchPayment(payment(['sandbox', 'stripe']), batch);
      assert.equal(channels.stripe.submitted.length, 0);
      assert.deepEqual(store.payments.get(PAY), { status: 'processing', channel: 'sandbox', attempts: [] });
      assert.deepEqual(
        batch.checks.map((c) => c.channel),
        ['sandbox'],
      );
    }
    assert.deepEqual(outcomes.applied, []);
  });

  it('applies an outcome a status query already knows through the outcome store', async () => {
    channels.sandbox.submit = unknown;
    channels.sandbox.query = {
      kind: 'found',
      state: 'succeeded',
      channelReference: 'ch_9',
      amount: 1050,
      currency: 'USD',
    };
    await dispatcher().dispatchPayment(payment(['sandbox', 'stripe']), batch);
    assert.deepEqual(
      outcomes.applied.map((o) => [o.reference, o.channel, o.to, o.channelReference, o.amount]),
      [[PAY, 'sandbox', 'succeeded', 'ch_9', 1050]],
    );
    assert.equal(channels.stripe.submitted.length, 0);
  });

  it('sends a half-open channel the payment only as its elected probe, and reports what it found', async () => {
    breakers.positions.sandbox = 'half_open';
    await dispatcher().dispatchPayment(payment(['sandbox']), batch);
    assert.deepEqual(breakers.claims, ['sandbox']);
    assert.deepEqual(breakers.events, [['sandbox', 'probe_result', true]]);

    channels.sandbox.submit = unavailable;
    breakers.events.length = 0;
    await dispatcher().dispatchPayment(payment(['sandbox']), batch);
    assert.deepEqual(breakers.events, [['sandbox', 'probe_result', false]]);
  });

  it('passes over a channel whose probe it was not granted, without sending or counting a failure', async () => {
    breakers.positions.sandbox = 'open';
    breakers.grant = false;
    await dispatcher().dispatchPayment(payment(['sandbox', 'stripe']), batch);
    assert.deepEqual(submissions(), { stripe: 1 });
    assert.deepEqual(breakers.events, []);
    assert.deepEqual(batch.unavailableCounts(), []);
    assert.deepEqual(
      store.payments.get(PAY)?.attempts.map((a) => [a.channel, a.outcome]),
      [['sandbox', 'unavailable']],
    );
  });

  it('does not resubmit to the first channel after a crash that followed the failover write', async () => {
    // Prepare: the first run moved it to stripe, then died before submitting there.
    channels.sandbox.submit = unavailable;
    const inserted = payment(['sandbox', 'stripe']);
    channels.stripe.submit = { kind: 'unknown', code: 'crash', message: 'function died' };
    channels.stripe.query = { kind: 'unknown', code: 'crash', message: 'function died' };
    await dispatcher().dispatchPayment(inserted, batch);
    channels.sandbox.submitted.length = 0;
    channels.stripe.submitted.length = 0;
    channels.sandbox.submit = { kind: 'accepted', channelReference: 'back again' };
    channels.stripe.submit = { kind: 'accepted', channelReference: 'ch_stripe' };
    // Act: the stream retries the same record, whose image still says sandbox.
    assert.equal(inserted.channel, 'sandbox');
    const sent = await dispatcher().dispatchPayment(inserted, new DispatchBatch());
    // Assess
    assert.deepEqual(sent, ['stripe']);
    assert.deepEqual(submissions(), { stripe: 1 });
  });

  it('stops when another dispatcher moved the payment first', async () => {
    channels.sandbox.submit = unavailable;
    const inserted = payment(['sandbox', 'stripe']);
    store.failOver = async () => false;
    const sent = await dispatcher().dispatchPayment(inserted, batch);
    assert.deepEqual(sent, ['sandbox']);
    assert.equal(channels.stripe.submitted.length, 0);
  });

  it('submits nothing for a payment no longer processing or failed at create', async () => {
    const inserted = payment(['sandbox']);
    store.payments.set(PAY, { status: 'canceled', channel: 'sandbox', attempts: [] });
    assert.deepEqual(await dispatcher().dispatchPayment(inserted, batch), []);
    store.payments.set(PAY, { status: 'failed', channel: null, attempts: [] });
    store.readPayment = async () => assert.fail('a payment failed at create is not read');
    assert.deepEqual(
      await dispatcher().dispatchPayment({ ...inserted, status: 'failed', channel: null }, batch),
      [],
    );
    assert.deepEqual(submissions(), {});
  });

  describe('refunds', () => {
    const refund = { id: 're_1', paymentId: PAY, amount: 500, currency: 'USD', channel: 'stripe' };
    beforeEach(() => store.refunds.set('re_1', { status: 'pending', channel: 'stripe', attempts: [] }));

    it('submits a refund to its channel and schedules its check', async () => {
      await dispatcher().dispatchRefund(refund, batch);
      assert.deepEqual(submissions(), { stripe: 1 });
      assert.deepEqual(
        batch.checks.map((c) => [c.kind, c.reference, c.paymentId]),
        [['refund', 're_1', PAY]],
      );
    });

    it('fails a declined refund, releasing its amount', async () => {
      channels.stripe.submit = declined;
      await dispatcher().dispatchRefund(refund, batch);
      assert.equal(store.refunds.get('re_1')?.status, 'failed');
      assert.equal(store.released, 500);
    });

    it('retries an unavailable refund on the same channel, never another one', async () => {
      channels.stripe.submit = unavailable;
      await assert.rejects(dispatcher().dispatchRefund(refund, batch), RefundNotTakenError);
      assert.deepEqual(submissions(), { stripe: 1 });
      assert.equal(store.refunds.get('re_1')?.status, 'pending');
      assert.deepEqual(
        batch.checks.map((c) => c.reference),
        ['re_1'],
      );
    });
  });
});
