/**
 * The Stripe channel end to end on the local runtime: a payment pinned to Stripe reaches the Stripe
 * simulator (with the contract's local credentials, read from the emulator's Secrets Manager), succeeds
 * by its signed event, is refunded there, and a reconciliation run of Stripe's day reads Stripe's own
 * balance-transaction CSV and matches both. Notifications made with stripe-node: forged and stale → 401,
 * a redelivery → accepted and nothing changes. An amount ending in 13 fails. A pinned sandbox payment
 * whose channel is `unavailable` fails `channel_unavailable`; one whose channel has not answered yet
 * (`timeout`) stays processing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime();
const stripeNode = new Stripe('sk_test_local_stripe');
const today = () => new Date().toISOString().slice(0, 10);

function postStripe(body: string, signature: string) {
  return fetch(`${e2e.runtime.url}/v1/channels/stripe/callbacks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
}

describe('Stripe channel (local runtime)', () => {
  let paymentId = '';
  let intentId = '';

  it('takes a payment pinned to Stripe, refunds part of it, and reconciles both from Stripe statement', async () => {
    // Act: pay
    const created = await e2e.api.createPayment({ amount: 2500, currency: 'USD', channel: 'stripe' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.channel, 'stripe');
    paymentId = created.body.id;
    const paid = await e2e.api.waitForPayment(paymentId, (p) => p.status !== 'processing');
    // Assess
    assert.equal(paid.status, 'succeeded');
    assert.match(paid.channelReference, /^pi_/);
    intentId = paid.channelReference;

    // Act: refund
    const refund = await e2e.api.post(
      `/v1/payments/${paymentId}/refunds`,
      { amount: 1000 },
      { idempotencyKey: uniqueKey('refund') },
    );
    assert.equal(refund.status, 201, refund.text);
    const refunded = await eventually(
      async () => {
        const list = await e2e.api.get(`/v1/payments/${paymentId}/refunds`);
        const found = list.body.data?.find((r: { id: string }) => r.id === refund.body.id);
        return found?.status === 'pending' ? undefined : found;
      },
      15_000,
      'the refund to settle',
    );
    assert.equal(refunded.status, 'succeeded');

    // Act: reconcile Stripe's day
    const started = await e2e.ops.post(
      '/v1/ops/reconciliation/runs',
      { channel: 'stripe', date: today() },
      { idempotencyKey: uniqueKey('run') },
    );
    assert.equal(started.status, 202, started.text);
    const run = await eventually(
      async () => {
        const r = await e2e.ops.get(`/v1/ops/reconciliation/runs/${started.body.id}`);
        return r.body.status === 'running' ? undefined : r.body;
      },
      20_000,
      'the run to end',
    );
    // Assess
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.source, 'channel');
    assert.deepEqual(run.counts, {
      matched: 2,
      localMissing: 0,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 0,
    });
  });

  it('refuses forged and stale Stripe events with 401 and accepts a redelivery without changing anything', async () => {
    // Prepare
    assert.ok(paymentId, 'runs after the payment above');
    const before = (await e2e.api.get(`/v1/payments/${paymentId}`)).body;
    const body = JSON.stringify({
      id: 'evt_e2e_redelivered',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: intentId, amount: 2500, currency: 'usd', metadata: { reference: paymentId } } },
    });
    const sign = (secret: string, timestamp?: number) =>
      stripeNode.webhooks.generateTestHeaderString({
        payload: body,
        secret,
        ...(timestamp === undefined ? {} : { timestamp }),
      });
    // Act
    const forged = await postStripe(body, sign('whsec_not_ours'));
    const stale = await postStripe(body, sign('whsec_stripe_local', Math.floor(Date.now() / 1000) - 301));
    const first = await postStripe(body, sign('whsec_stripe_local'));
    const again = await postStripe(body, sign('whsec_stripe_local'));
    // Assess
    assert.equal(forged.status, 401);
    assert.match(forged.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(stale.status, 401);
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { received: true });
    assert.equal(again.status, 200);
    const after = (await e2e.api.get(`/v1/payments/${paymentId}`)).body;
    assert.deepEqual(after, before);
  });

  it('fails a Stripe payment whose amount ends in 13', async () => {
    const created = await e2e.api.createPayment({ amount: 1313, currency: 'USD', channel: 'stripe' });
    assert.equal(created.status, 201, created.text);
    const settled = await e2e.api.waitForPayment(created.body.id, (p) => p.status !== 'processing');
    assert.equal(settled.status, 'failed');
  });

  it('fails a pinned sandbox payment whose channel is unavailable, and leaves one not answered yet processing', async () => {
    const down = await e2e.api.createPayment({
      amount: 1000,
      currency: 'USD',
      channel: 'sandbox',
      metadata: { sandbox_outcome: 'unavailable' },
    });
    const slow = await e2e.api.createPayment({
      amount: 1000,
      currency: 'USD',
      channel: 'sandbox',
      metadata: { sandbox_outcome_sandbox: 'timeout' },
    });
    assert.equal(down.status, 201, down.text);
    assert.equal(slow.status, 201, slow.text);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // Unavailable: a pinned payment has no other candidate, so it fails (contract: "Routing and channel
    // health"), never submitted elsewhere.
    const failed = (await e2e.api.get(`/v1/payments/${down.body.id}`)).body;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failureCode, 'channel_unavailable');
    assert.deepEqual(
      failed.routing.attempts.map((a: { channel: string; outcome: string }) => [a.channel, a.outcome]),
      [['sandbox', 'unavailable']],
    );
    // Not answered within the adapter's 5 s yet: the channel may have it, so it stays where it is.
    assert.equal((await e2e.api.get(`/v1/payments/${slow.body.id}`)).body.status, 'processing');
    // Neither was taken by the sandbox PSP.
    for (const id of [down.body.id, slow.body.id]) {
      const status = (await fetch(`${e2e.runtime.pspUrl}/payments/${id}`)).status;
      assert.equal(status, 404);
    }
  });
});
