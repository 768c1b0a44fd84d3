/**
 * The Stripe adapter against the local Stripe simulator, in process: submissions, status queries by our
 * reference, events read back, the outcomes `unavailable` / `timeout`, a refused key, a refused
 * connection, and the day's balance CSV read by the native statement reader.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { SimulatorServer } from '../../../../local/src/channels/common.js';
import { startStripeSimulator } from '../../../../local/src/channels/stripe.js';
import { type Delivery, type Receiver, startReceiver } from '../../../../local/test/channels/receiver.js';
import { createStripeAdapter } from '../../../../shared/channels/adapters.js';
import { STRIPE_SEARCH_LAG_MS } from '../../../../shared/channels/stripe/adapter.js';
import type { ChannelAdapter } from '../../../../shared/channels/types.js';
import { parseNativeStatement } from '../../../../shared/domain/reconciliation/native/index.js';

const KEY = 'sk_test_local_stripe';
const SECRET = 'whsec_stripe_local';
const stripeNode = new Stripe(KEY);

describe('Stripe adapter', () => {
  let receiver: Receiver;
  let sim: SimulatorServer;
  let adapter: ChannelAdapter;
  let n = 0;
  const ref = (prefix: 'pay' | 're') => `${prefix}_A${Date.now()}x${++n}`;
  const about = (reference: string) => (d: Delivery) => d.body.includes(`"reference": "${reference}"`);
  const read = (d: Delivery) =>
    adapter.readNotification(d.headers as Record<string, string>, Buffer.from(d.body), new Date());

  before(async () => {
    receiver = await startReceiver({ status: 200, body: '{"received":true}' });
    sim = await startStripeSimulator({ callbackUrl: () => receiver.url, delayMs: 20, holdMs: 1500 });
    adapter = createStripeAdapter({
      secretKey: KEY,
      webhookSecrets: ['whsec_old', SECRET],
      baseUrl: sim.url,
      timeoutMs: 500,
    });
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  it('takes a payment and a partial refund, reads their events, and finds both by our references', async () => {
    // Prepare
    const pay = ref('pay');
    const re = ref('re');
    // Act
    const submitted = await adapter.submitPayment({ reference: pay, amount: 1050, currency: 'USD' });
    const paid = read(await receiver.next(about(pay)));
    const refunded = await adapter.submitRefund({
      reference: re,
      paymentReference: pay,
      paymentAmount: 1050,
      amount: 400,
      currency: 'USD',
    });
    const refundEvent = read(await receiver.next(about(re)));
    // Assess
    assert.equal(submitted.kind, 'accepted');
    assert.ok(submitted.kind === 'accepted' && submitted.channelReference?.startsWith('pi_'));
    assert.equal(paid.kind, 'outcome');
    assert.deepEqual(paid.kind === 'outcome' && [paid.event.subject, paid.event.outcome, paid.event.amount], [
      'payment',
      'succeeded',
      1050,
    ]);
    assert.equal(refunded.kind, 'accepted');
    assert.ok(refundEvent.kind === 'outcome' && refundEvent.event.reference === re);
    assert.deepEqual(await adapter.queryPayment({ reference: pay, currency: 'USD' }), {
      kind: 'found',
      state: 'succeeded',
      channelReference: submitted.kind === 'accepted' ? submitted.channelReference : '',
      amount: 1050,
      currency: 'USD',
    });
    const refund = await adapter.queryRefund({ reference: re, paymentReference: pay, currency: 'USD' });
    assert.equal(refund.kind, 'found');
    assert.ok(refund.kind === 'found' && refund.state === 'succeeded' && refund.amount === 400);
    assert.deepEqual(
      await adapter.queryRefund({ reference: 're_none', paymentReference: pay, currency: 'USD' }),
      { kind: 'not_found' },
    );
  });

  it('reads a failed payment (amount ending 13) as failed, by event and by query', async () => {
    const pay = ref('pay');
    await adapter.submitPayment({ reference: pay, amount: 2013, currency: 'USD' });
    const event = read(await receiver.next(about(pay)));
    assert.ok(event.kind === 'outcome' && event.event.outcome === 'failed');
    const query = await adapter.queryPayment({ reference: pay, currency: 'USD' });
    assert.ok(query.kind === 'found' && query.state === 'failed');
  });

  it('answers unavailable for a 503, unknown for a timeout after which a query finds nothing', async () => {
    const down = await adapter.submitPayment({
      reference: ref('pay'),
      amount: 1000,
      currency: 'USD',
      outcome: 'unavailable',
    });
    const pay = ref('pay');
    const slow = await adapter.submitPayment({
      reference: pay,
      amount: 1000,
      currency: 'USD',
      outcome: 'timeout',
    });
    assert.equal(down.kind, 'unavailable');
    assert.equal(slow.kind, 'unknown');
    // Asked right after the submission, a miss may be Stripe's search lagging: not proof it was never taken.
    const soon = await adapter.queryPayment({ reference: pay, currency: 'JPY', submittedAt: new Date() });
    assert.equal(soon.kind, 'unknown');
    assert.equal(soon.kind === 'unknown' && soon.code, 'search_lag');
    // Asked once the search has caught up (the delayed check), the miss is proof.
    const later = new Date(Date.now() - STRIPE_SEARCH_LAG_MS);
    assert.deepEqual(await adapter.queryPayment({ reference: pay, currency: 'JPY', submittedAt: later }), {
      kind: 'not_found',
    });
    assert.deepEqual(await adapter.queryPayment({ reference: pay, currency: 'JPY' }), { kind: 'not_found' });
  });

  it('answers unavailable when its key is refused or nothing listens, declined for an amount Stripe cannot carry', async () => {
    const refused = createStripeAdapter({
      secretKey: 'sk_wrong',
      webhookSecrets: [SECRET],
      baseUrl: sim.url,
    });
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const nobody = createStripeAdapter({
      secretKey: KEY,
      webhookSecrets: [SECRET],
      baseUrl: `http://127.0.0.1:${port}`,
    });
    const payment = { reference: ref('pay'), amount: 1000, currency: 'USD' };
    assert.equal((await refused.submitPayment(payment)).kind, 'unavailable');
    assert.equal((await nobody.submitPayment(payment)).kind, 'unavailable');
    assert.equal((await nobody.queryPayment(payment)).kind, 'unavailable');
    // MGA is zero-decimal at Stripe, two-decimal in ISO 4217: 10.01 ariary cannot be sent.
    const odd = await adapter.submitPayment({ reference: ref('pay'), amount: 1001, currency: 'MGA' });
    assert.equal(odd.kind, 'declined');
  });

  it('verifies events signed by stripe-node with any configured secret, and refuses stale or forged ones', () => {
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'payment_intent.succeeded',
      created: 1_700_000_000,
      data: { object: { id: 'pi_1', amount: 500, currency: 'usd', metadata: { reference: 'pay_x1' } } },
    });
    const now = new Date();
    const header = stripeNode.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_old' });
    const read = adapter.readNotification({ 'Stripe-Signature': header }, Buffer.from(body), now);
    assert.ok(read.kind === 'outcome' && read.event.reference === 'pay_x1');
    const stale = stripeNode.webhooks.generateTestHeaderString({
      payload: body,
      secret: SECRET,
      timestamp: Math.floor(now.getTime() / 1000) - 301,
    });
    assert.throws(() => adapter.readNotification({ 'stripe-signature': stale }, Buffer.from(body), now), {
      code: 'stale',
    });
    const forged = stripeNode.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_other' });
    assert.throws(() => adapter.readNotification({ 'stripe-signature': forged }, Buffer.from(body), now), {
      code: 'mismatch',
    });
  });

  it("streams the day's balance-transaction CSV, which the native reader reads", async () => {
    const pay = ref('pay');
    await adapter.submitPayment({ reference: pay, amount: 777, currency: 'USD' });
    await receiver.next(about(pay));
    const date = new Date().toISOString().slice(0, 10);
    const rows: unknown[] = [];
    for await (const line of parseNativeStatement('stripe', adapter.fetchStatement(date), {
      channel: 'stripe',
      date,
    }))
      rows.push(line);
    assert.ok(JSON.stringify(rows).includes(pay));
    assert.throws(() => adapter.fetchStatement('yesterday'), { code: 'channel_rejected' });
  });
});
