/**
 * Channels, routing and the breaker end to end on the local runtime, through the contract's routes only:
 * a payment without a `channel` is routed by its merchant's configuration to Stripe's simulator,
 * succeeds on Stripe's signed notification, is refunded, and a reconciliation run for Stripe that day
 * matches both from Stripe's own statement; then Stripe goes down (metadata `unavailable` for it alone):
 * payments fail over to the sandbox, the breaker opens and routing skips Stripe, and after the cooldown
 * one probe goes through and closes it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { MERCHANT_2, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime();
const today = () => new Date().toISOString().slice(0, 10);

async function putRouting(merchantId: string, config: unknown) {
  const r = await e2e.ops.request('PUT', `/v1/ops/merchants/${merchantId}/routing`, { body: config });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function stripeBreaker() {
  const r = await e2e.ops.get('/v1/ops/channels/stripe');
  assert.equal(r.status, 200, r.text);
  return r.body.breaker;
}

describe('channels and routing (local runtime)', () => {
  it('routes a payment to Stripe, takes it, refunds it and reconciles both from Stripe’s own statement', async () => {
    // Prepare: merchant 1 routes USD to Stripe first
    const config = {
      rules: [
        {
          name: 'usd-to-stripe',
          when: { currencies: ['USD'] },
          strategy: 'priority',
          channels: ['stripe', 'sandbox'],
        },
      ],
      default: { strategy: 'priority', channels: ['sandbox'] },
      quotas: {},
    };
    await putRouting('m_demo_1', config);
    const read = await e2e.ops.get('/v1/ops/merchants/m_demo_1/routing');
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.body, config);
    // The configuration takes effect within 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    // Act: a payment without a channel
    const created = await e2e.api.createPayment({ amount: 2_500, currency: 'USD', description: 'routed' });

    // Assert: routed by the rule to Stripe, and succeeded by Stripe's notification
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.channel, 'stripe');
    assert.equal(created.body.routing.strategy, 'priority');
    assert.equal(created.body.routing.rule, 'usd-to-stripe');
    assert.deepEqual(created.body.routing.candidates, ['stripe', 'sandbox']);
    assert.equal(created.body.routing.chosen, 'stripe');
    assert.equal(typeof created.body.routing.reason, 'string');
    const paid = await e2e.api.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    assert.equal(paid.channel, 'stripe');
    assert.match(paid.channelReference, /^pi_/);
    assert.deepEqual(
      paid.routing.attempts.map((a: { channel: string; outcome: string }) => [a.channel, a.outcome]),
      [['stripe', 'succeeded']],
    );

    // Act: a full refund
    const refund = await e2e.api.post(
      `/v1/payments/${paid.id}/refunds`,
      {},
      { idempotencyKey: uniqueKey('re') },
    );
    assert.equal(refund.status, 201, refund.text);
    await eventually(
      async () => {
        const list = await e2e.api.get(`/v1/payments/${paid.id}/refunds`);
        return list.body.data?.[0]?.status === 'succeeded' ? true : undefined;
      },
      15_000,
      'the Stripe refund to succeed',
    );

    // Act: reconcile Stripe's day from its own statement
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
      30_000,
      'the Stripe run to end',
    );

    // Assert: both matched, nothing of ours reported
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.ok(run.counts.matched >= 2, JSON.stringify(run.counts));
    const findings = await e2e.ops.get(`/v1/ops/reconciliation/runs/${run.id}/discrepancies?limit=100`);
    const ours = findings.body.data.filter((d: { reference: string }) =>
      [paid.id, refund.body.id].includes(d.reference),
    );
    assert.deepEqual(ours, []);
  });

  it('fails over when Stripe is down, opens its breaker, skips it, then closes it on a successful probe', async () => {
    // Prepare: merchant 2 routes to Stripe, then the sandbox; Stripe's breaker opens after 2 failures
    await putRouting(MERCHANT_2.id, {
      rules: [],
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: {},
    });
    const settings = await e2e.ops.get('/v1/ops/channels/stripe');
    assert.equal(settings.status, 200, settings.text);
    const put = await e2e.ops.request('PUT', '/v1/ops/channels/stripe', {
      body: {
        fees: settings.body.fees,
        breaker: { failureThreshold: 2, windowSeconds: 60, cooldownSeconds: 3 },
      },
    });
    assert.equal(put.status, 200, put.text);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    // Act: two payments that Stripe answers 503 (and the sandbox takes)
    const down = { sandbox_outcome_stripe: 'unavailable' };
    const failedOver = [];
    for (const amount of [3_100, 3_200]) {
      const created = await e2e.api2.createPayment({ amount, currency: 'USD', metadata: down });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.routing.chosen, 'stripe');
      failedOver.push(await e2e.api2.waitForPayment(created.body.id, (p) => p.status === 'succeeded'));
    }

    // Assert: each moved to the sandbox after Stripe's unavailability, and the breaker is open
    for (const p of failedOver) {
      assert.equal(p.channel, 'sandbox');
      assert.deepEqual(
        p.routing.attempts.map((a: { channel: string; outcome: string }) => [a.channel, a.outcome]),
        [
          ['stripe', 'unavailable'],
          ['sandbox', 'succeeded'],
        ],
      );
    }
    const open = await eventually(
      async () => {
        const b = await stripeBreaker();
        return b.state === 'open' ? b : undefined;
      },
      5_000,
      'the Stripe breaker to open',
    );
    assert.equal(open.failureThreshold, 2);
    assert.ok(open.recentFailures >= 2);
    assert.equal(typeof open.openedAt, 'string');

    // Act + assert: while open, a new payment is routed past Stripe (creates read breakers at most 1 s old)
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const skipped = await e2e.api2.createPayment({ amount: 3_300, currency: 'USD' });
    assert.equal(skipped.status, 201, skipped.text);
    assert.equal(skipped.body.routing.chosen, 'sandbox');
    assert.deepEqual(skipped.body.routing.candidates, ['sandbox']);
    assert.match(skipped.body.routing.reason, /stripe/);

    // After the cooldown the breaker is half-open; the next payment is its probe, Stripe takes it
    await eventually(
      async () => ((await stripeBreaker()).state === 'half_open' ? true : undefined),
      10_000,
      'the Stripe breaker to be half-open',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const probe = await e2e.api2.createPayment({ amount: 3_400, currency: 'USD' });
    assert.equal(probe.status, 201, probe.text);
    assert.equal(probe.body.routing.chosen, 'stripe');
    const probed = await e2e.api2.waitForPayment(probe.body.id, (p) => p.status === 'succeeded');
    assert.equal(probed.channel, 'stripe');
    await eventually(
      async () => ((await stripeBreaker()).state === 'closed' ? true : undefined),
      10_000,
      'the Stripe breaker to close',
    );
  });
});
