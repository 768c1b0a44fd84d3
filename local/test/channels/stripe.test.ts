/**
 * The Stripe simulator driven by the product's own requests (shared/channels/stripe) and by stripe-node,
 * its events checked with stripe-node's `webhooks.constructEvent` and read by the product's reader, its
 * statement read by the product's balance-CSV reader.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { ChannelReply, ChannelRequest } from '../../../shared/channels/protocol.js';
import { createStripeStatements } from '../../../shared/channels/stripe/adapter.js';
import { readStripeEvent } from '../../../shared/channels/stripe/notifications.js';
import {
  createPaymentIntent,
  createRefund,
  retrievePaymentIntent,
} from '../../../shared/channels/stripe/requests.js';
import { readQuery, readSubmission } from '../../../shared/channels/stripe/responses.js';
import { parseNativeStatement } from '../../../shared/domain/reconciliation/native/index.js';
import type { SimulatorServer } from '../../src/channels/common.js';
import { outcomeFor } from '../../src/channels/common.js';
import { startStripeSimulator } from '../../src/channels/stripe.js';
import { type Delivery, type Receiver, startReceiver } from './receiver.js';

const SECRET = 'whsec_stripe_local';
const stripeNode = new Stripe('sk_test_local_stripe');

async function send(request: ChannelRequest, signal?: AbortSignal): Promise<ChannelReply> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(signal ? { signal } : {}),
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  };
}

const eventOf = (d: Delivery) => JSON.parse(d.body) as { type: string; data: { object: any } };

describe('Stripe simulator', () => {
  let receiver: Receiver;
  let sim: SimulatorServer;
  let credentials: { secretKey: string; apiBase: string };
  let n = 0;
  const ref = (prefix: 'pay' | 're') => `${prefix}_S${Date.now()}x${++n}`;
  const forIntent = (id: string) => (d: Delivery) => eventOf(d).data.object.id === id;

  before(async () => {
    receiver = await startReceiver({ status: 200, body: '{"received":true}' });
    sim = await startStripeSimulator({
      callbackUrl: () => receiver.url,
      delayMs: 20,
      retryBaseMs: 10,
      holdMs: 2000,
    });
    credentials = { secretKey: 'sk_test_local_stripe', apiBase: sim.url };
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  it('takes a payment, answers processing, then sends payment_intent.succeeded signed as Stripe signs', async () => {
    const reference = ref('pay');
    const reply = await send(createPaymentIntent(credentials, { reference, amount: 1050, currency: 'USD' }));
    const submitted = readSubmission(reply);
    assert.equal(submitted.kind, 'accepted');
    assert.ok(submitted.kind === 'accepted' && submitted.state === 'pending');
    const id = JSON.parse(reply.body).id as string;

    const delivery = await receiver.next(forIntent(id));
    const header = String(delivery.headers['stripe-signature']);
    const event = stripeNode.webhooks.constructEvent(delivery.body, header, SECRET);
    assert.equal(event.type, 'payment_intent.succeeded');
    const read = readStripeEvent({ 'stripe-signature': header }, delivery.body, [SECRET], Date.now() / 1000);
    assert.equal(read.kind, 'outcome');
    assert.ok(read.kind === 'outcome');
    assert.equal(read.event.reference, reference);
    assert.equal(read.event.outcome, 'succeeded');
    assert.equal(read.event.amount, 1050);
    assert.throws(() => stripeNode.webhooks.constructEvent(delivery.body, header, 'whsec_other'));

    const query = readQuery(await send(retrievePaymentIntent(credentials, id)), 'USD');
    assert.deepEqual(query, {
      kind: 'found',
      state: 'succeeded',
      channelReference: id,
      amount: 1050,
      currency: 'USD',
    });
  });

  it('fails an amount ending in 13 with payment_intent.payment_failed; a query then says failed', async () => {
    const reply = await send(
      createPaymentIntent(credentials, { reference: ref('pay'), amount: 2013, currency: 'EUR' }),
    );
    const id = JSON.parse(reply.body).id as string;
    const delivery = await receiver.next(forIntent(id));
    const event = stripeNode.webhooks.constructEvent(
      delivery.body,
      String(delivery.headers['stripe-signature']),
      SECRET,
    );
    assert.equal(event.type, 'payment_intent.payment_failed');
    const query = readQuery(await send(retrievePaymentIntent(credentials, id)), 'EUR');
    assert.equal(query.kind === 'found' && query.state, 'failed');
  });

  it('refuses a wrong secret key with 401 and Stripe error JSON, which the product reads as unavailable', async () => {
    const reply = await send(
      createPaymentIntent(
        { ...credentials, secretKey: 'sk_test_wrong_key_1234' },
        {
          reference: ref('pay'),
          amount: 1000,
          currency: 'USD',
        },
      ),
    );
    assert.equal(reply.status, 401);
    assert.equal(JSON.parse(reply.body).error.type, 'invalid_request_error');
    assert.equal(readSubmission(reply).kind, 'unavailable');
  });

  it('replays an Idempotency-Key: same params same answer and no second event, other params 400', async () => {
    const reference = ref('pay');
    const request = createPaymentIntent(credentials, { reference, amount: 700, currency: 'USD' });
    const first = await send(request);
    const second = await send(request);
    assert.equal(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    const id = JSON.parse(first.body).id as string;
    await receiver.next(forIntent(id));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.deliveries.filter(forIntent(id)).length, 1);
    const other = await send({ ...request, body: request.body?.replace('amount=700', 'amount=701') });
    assert.equal(other.status, 400);
    assert.equal(JSON.parse(other.body).error.type, 'idempotency_error');
  });

  it('works for stripe-node as a client too', async () => {
    const url = new URL(sim.url);
    const client = new Stripe('sk_test_local_stripe', {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const intent = await client.paymentIntents.create(
      { amount: 500, currency: 'jpy', metadata: { reference: ref('pay') } },
      { idempotencyKey: `key_${n}` },
    );
    assert.equal(intent.status, 'processing');
    assert.equal((await client.paymentIntents.retrieve(intent.id)).amount, 500);
  });

  it('answers unavailable with 503, and per channel: sandbox_outcome_stripe overrides sandbox_outcome', async () => {
    const metadata = { sandbox_outcome: 'fail', sandbox_outcome_stripe: 'unavailable' };
    const reply = await send(
      createPaymentIntent(credentials, { reference: ref('pay'), amount: 1000, currency: 'USD', metadata }),
    );
    assert.equal(reply.status, 503);
    assert.equal(readSubmission(reply).kind, 'unavailable');
    assert.equal(outcomeFor('alipay', 'payment', 1000, metadata), 'failed');
    assert.equal(outcomeFor('stripe', 'payment', 1013, { sandbox_outcome_stripe: 'succeed' }), 'succeeded');
  });

  it('never answers a timeout submission, and a query finds nothing', async () => {
    const reference = ref('pay');
    const metadata = { sandbox_outcome: 'timeout' };
    const request = createPaymentIntent(credentials, { reference, amount: 1000, currency: 'USD', metadata });
    await assert.rejects(send(request, AbortSignal.timeout(200)), /timeout|abort/i);
    const query = readQuery(await send(retrievePaymentIntent(credentials, 'pi_never_made')), 'USD');
    assert.deepEqual(query, { kind: 'not_found' });
  });

  it('sends no event for none, and stays processing', async () => {
    const metadata = { sandbox_outcome: 'none' };
    const reply = await send(
      createPaymentIntent(credentials, { reference: ref('pay'), amount: 900, currency: 'USD', metadata }),
    );
    const id = JSON.parse(reply.body).id as string;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(receiver.deliveries.filter(forIntent(id)).length, 0);
    assert.equal(JSON.parse((await send(retrievePaymentIntent(credentials, id))).body).status, 'processing');
    const early = await send(
      createRefund(credentials, { reference: ref('re'), paymentIntent: id, amount: 900, currency: 'USD' }),
    );
    assert.equal(early.status, 400, 'nothing to refund before the charge succeeds');
    assert.equal(readSubmission(early).kind, 'declined');
  });

  it('refunds with refund.updated, retries a refused event, and lists the day on its balance CSV', async () => {
    const reference = ref('pay');
    const paid = await send(createPaymentIntent(credentials, { reference, amount: 2500, currency: 'USD' }));
    const paymentIntent = JSON.parse(paid.body).id as string;
    await receiver.next(forIntent(paymentIntent));
    receiver.failNext(1);
    const refundReference = ref('re');
    const refunded = await send(
      createRefund(credentials, { reference: refundReference, paymentIntent, amount: 1000, currency: 'USD' }),
    );
    assert.equal(readSubmission(refunded).kind, 'accepted');
    const refundId = JSON.parse(refunded.body).id as string;
    const deliveries = () => receiver.deliveries.filter((d) => eventOf(d).data.object.id === refundId);
    await receiver.next((d) => deliveries().length === 2 && d === deliveries()[1]);
    const event = stripeNode.webhooks.constructEvent(
      deliveries()[1]!.body,
      String(deliveries()[1]!.headers['stripe-signature']),
      SECRET,
    );
    assert.equal(event.type, 'refund.updated');
    assert.equal((event.data.object as { status: string }).status, 'succeeded');
    assert.equal(JSON.parse(deliveries()[0]!.body).id, event.id, 'a redelivery keeps its event id');

    const failingRef = ref('re');
    const failing = await send(
      createRefund(credentials, {
        reference: failingRef,
        paymentIntent,
        amount: 500,
        currency: 'USD',
        metadata: { sandbox_outcome_stripe: 'fail' },
      }),
    );
    const failingId = JSON.parse(failing.body).id as string;
    const failed = await receiver.next((d) => eventOf(d).data.object.id === failingId);
    assert.equal(eventOf(failed).data.object.status, 'failed');
    const read = readStripeEvent(
      { 'stripe-signature': String(failed.headers['stripe-signature']) },
      failed.body,
      [SECRET],
      Date.now() / 1000,
    );
    assert.ok(read.kind === 'outcome' && read.event.subject === 'refund' && read.event.outcome === 'failed');

    // The day's report, as the product fetches it: a Reporting API run, polled, its file downloaded.
    const date = new Date().toISOString().slice(0, 10);
    const statements = createStripeStatements({
      secretKey: 'sk_test_local_stripe',
      webhookSecrets: [],
      baseUrl: sim.url,
      sleep: async () => {},
    });
    const rows: any[] = [];
    for await (const line of parseNativeStatement('stripe', statements.fetchStatement(date), {
      channel: 'stripe',
      date,
    }))
      rows.push(line);
    const payment = rows.find((r) => JSON.stringify(r).includes(reference));
    const refund = rows.find((r) => JSON.stringify(r).includes(refundReference));
    assert.ok(payment && refund, JSON.stringify(rows.slice(0, 2)));
    assert.match(JSON.stringify(payment), /"amount":2500/);
    assert.match(JSON.stringify(payment), /"fee":103/);
    assert.match(JSON.stringify(refund), /"amount":1000/);
    const refundFailure = rows.find((r) => JSON.stringify(r).includes(failingRef));
    assert.match(JSON.stringify(refundFailure), /"status":"failed"/);
    assert.ok(!rows.some((r) => JSON.stringify(r).includes('"status":"failed","type":"payment"')));
  });
});
