/**
 * Each routing strategy deciding between Stripe and the sandbox, through the local runtime (USD):
 * `lowest_fee` by the fees ops PUT on the channels, `volume_split` 70/30 within a binomial tolerance,
 * `success_rate` away from a channel that declines this merchant (once the channel health consumer has
 * counted the declines), a pinned payment whose channel is unavailable (failed, never failed over), and a
 * quota that sends the rest of the day's payments to the next channel, and a failover that moves the
 * payment's quota count with it.
 *
 * Merchant 1 takes the fee, split, pinned and quota cases; merchant 2 alone has the outcomes that
 * `success_rate` reads, so that the split's Stripe successes of merchant 1 cannot lift Stripe's rate.
 * create-payment caches a configuration and channel facts for 1 s: after each PUT the tests wait 2 s.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { quotaDay, readQuotaUsage } from '../../shared/store/dynamodb/quota-usage.js';
import { localClient } from '../support/dynamodb.js';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { type Api, MERCHANT_1, MERCHANT_2, type Reply } from '../support/http.js';

const SETTLE_WAIT_MS = 2_000;
const e2e = useLocalRuntime();

async function putRouting(merchantId: string, config: Record<string, unknown>) {
  const r = await e2e.ops.request('PUT', `/v1/ops/merchants/${merchantId}/routing`, { body: config });
  assert.equal(r.status, 200, r.text);
  await sleep(SETTLE_WAIT_MS);
}

/** Creates `bodies` a few at a time (a merchant's burst is not what is tested here). */
async function createAll(api: Api, bodies: readonly Record<string, unknown>[], parallel = 10) {
  const answers: Reply[] = [];
  for (let i = 0; i < bodies.length; i += parallel) {
    const chunk = bodies.slice(i, i + parallel);
    answers.push(...(await Promise.all(chunk.map((b) => api.createPayment(b)))));
  }
  for (const a of answers) assert.equal(a.status, 201, a.text);
  return answers;
}

async function channelHealth(channel: string) {
  const r = await e2e.ops.get('/v1/ops/channels');
  assert.equal(r.status, 200, r.text);
  return r.body.data.find((c: { id: string }) => c.id === channel).health;
}

describe('routing strategies over Stripe and the sandbox', () => {
  it('lowest_fee: the cheaper channel for each amount by the fees ops PUT, listed order on a tie', async () => {
    // Prepare: Stripe 1.00% + 100, the sandbox 3.00% + 0: the sandbox is cheaper below 5,000, Stripe
    // above, and both cost 150 at exactly 5,000.
    const fees = { stripe: { percentBps: 100, fixed: 100 }, sandbox: { percentBps: 300, fixed: 0 } };
    for (const [channel, usd] of Object.entries(fees)) {
      const put = await e2e.ops.request('PUT', `/v1/ops/channels/${channel}`, {
        body: { fees: { USD: usd } },
      });
      assert.equal(put.status, 200, put.text);
    }
    await putRouting(MERCHANT_1.id, { default: { strategy: 'lowest_fee', channels: ['stripe', 'sandbox'] } });
    // Act
    const [small, large, tie] = await createAll(e2e.api, [
      { amount: 1_000, currency: 'USD' },
      { amount: 100_000, currency: 'USD' },
      { amount: 5_000, currency: 'USD' },
    ]);
    // Assess
    const routed = (r: Reply | undefined) => r?.body.routing;
    assert.equal(small?.body.channel, 'sandbox');
    assert.equal(routed(small).strategy, 'lowest_fee');
    assert.deepEqual(routed(small).candidates, ['sandbox', 'stripe']);
    assert.match(routed(small).reason, /^default, lowest_fee: sandbox, fee 30 is the lowest/);
    assert.equal(large?.body.channel, 'stripe');
    assert.match(routed(large).reason, /^default, lowest_fee: stripe, fee 1100 is the lowest/);
    assert.equal(tie?.body.channel, 'stripe', 'a tie goes to the channel listed first');
    assert.deepEqual(routed(tie).candidates, ['stripe', 'sandbox']);
    assert.match(routed(tie).reason, /fee 150 is the lowest/);
    for (const p of [small, large, tie]) {
      const done = await e2e.api.waitForPayment(p?.body.id, (x) => x.status !== 'processing');
      assert.equal(done.status, 'succeeded', `${done.channel} took it`);
    }
  });

  it('volume_split 70/30: 100 payments split within binomial tolerance, each saying so', async () => {
    // Prepare
    await putRouting(MERCHANT_1.id, {
      default: { strategy: 'volume_split', channels: ['stripe', 'sandbox'], weights: [70, 30] },
    });
    // Act
    const answers = await createAll(
      e2e.api,
      Array.from({ length: 100 }, (_, i) => ({ amount: 2_000 + i, currency: 'USD' })),
    );
    // Assess: 70 ± 15 is beyond 3 standard deviations (√(100 × 0.7 × 0.3) ≈ 4.6).
    const toStripe = answers.filter((a) => a.body.channel === 'stripe').length;
    // The reasons say why when the split is off (a channel left out as unhealthy, a stale configuration).
    const reasons = new Map<string, number>();
    for (const a of answers) {
      const reason = `${a.body.routing?.strategy}: ${String(a.body.routing?.reason).replace(/\d+/g, 'N')}`;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    assert.ok(
      toStripe >= 55 && toStripe <= 85,
      `${toStripe} of 100 to Stripe; ${JSON.stringify(Object.fromEntries(reasons))}`,
    );
    for (const a of answers) {
      const { routing, channel } = a.body;
      assert.equal(routing.strategy, 'volume_split');
      assert.equal(routing.chosen, channel);
      assert.ok(channel === 'stripe' || channel === 'sandbox', channel);
      const weight = channel === 'stripe' ? 70 : 30;
      assert.match(routing.reason, new RegExp(`^default, volume_split: ${channel}, weight ${weight} of 100`));
    }
  });

  it('success_rate: away from a channel that declines the merchant, once health has counted it', async () => {
    // Prepare: 20 (the minimum a merchant's rate needs) declines at Stripe and successes at the sandbox.
    const [stripeBefore, sandboxBefore] = [await channelHealth('stripe'), await channelHealth('sandbox')];
    const declined = await createAll(
      e2e.api2,
      Array.from({ length: 20 }, (_, i) => ({
        amount: 3_000 + i,
        currency: 'USD',
        channel: 'stripe',
        metadata: { sandbox_outcome_stripe: 'fail' },
      })),
    );
    const succeeded = await createAll(
      e2e.api2,
      Array.from({ length: 20 }, (_, i) => ({ amount: 3_100 + 10 * i, currency: 'USD', channel: 'sandbox' })),
    );
    for (const [answers, status] of [
      [declined, 'failed'],
      [succeeded, 'succeeded'],
    ] as const) {
      for (const a of answers) {
        const done = await e2e.api2.waitForPayment(a.body.id, (p) => p.status !== 'processing', 30_000);
        assert.equal(done.status, status, JSON.stringify(done));
      }
    }
    await eventually(
      async () =>
        (await channelHealth('stripe')).failed >= stripeBefore.failed + 20 &&
        (await channelHealth('sandbox')).succeeded >= sandboxBefore.succeeded + 20
          ? true
          : undefined,
      30_000,
      'the channel health consumer to count the declines and the successes',
    );
    await putRouting(MERCHANT_2.id, {
      default: { strategy: 'success_rate', channels: ['stripe', 'sandbox'] },
    });
    // Act
    const routed = await createAll(
      e2e.api2,
      Array.from({ length: 40 }, (_, i) => ({ amount: 3_200 + i, currency: 'USD' })),
    );
    // Assess: exploration takes 5% of decisions; 80% leaves room for twice that.
    const toSandbox = routed.filter((a) => a.body.channel === 'sandbox');
    assert.ok(toSandbox.length >= 32, `${toSandbox.length} of 40 to the sandbox`);
    for (const a of toSandbox) {
      assert.equal(a.body.routing.strategy, 'success_rate');
      assert.match(
        a.body.routing.reason,
        /^default, success_rate: sandbox, best authorization rate, 100\.0% over \d+ attempts/,
      );
    }
    for (const a of routed.filter((x) => x.body.channel === 'stripe'))
      assert.match(a.body.routing.reason, /success_rate: stripe, exploring instead of sandbox/);
  });

  it('fails a pinned payment whose channel is unavailable as channel_unavailable, never elsewhere', async () => {
    // Prepare: a routing that would list the sandbox after Stripe, which a pinned payment ignores.
    await putRouting(MERCHANT_1.id, { default: { strategy: 'priority', channels: ['stripe', 'sandbox'] } });
    // Act
    const created = await e2e.api.createPayment({
      amount: 4_000,
      currency: 'USD',
      channel: 'stripe',
      metadata: { sandbox_outcome_stripe: 'unavailable' },
    });
    assert.equal(created.status, 201, created.text);
    const done = await e2e.api.waitForPayment(created.body.id, (p) => p.status !== 'processing');
    // Assess
    assert.equal(done.status, 'failed');
    assert.equal(done.failureCode, 'channel_unavailable');
    assert.equal(done.channel, 'stripe');
    assert.equal(done.routing.strategy, 'pinned');
    assert.deepEqual(
      done.routing.attempts.map((a: { channel: string; outcome: string }) => [a.channel, a.outcome]),
      [['stripe', 'unavailable']],
    );
    const atSandbox = await fetch(`${e2e.runtime.pspUrl}/payments/${created.body.id}`);
    assert.equal(atSandbox.status, 404, 'the sandbox never saw it');
  });

  it('sends a payment to the next channel once the rule’s quota on Stripe is reached, naming the quota', async () => {
    // Prepare
    await putRouting(MERCHANT_1.id, {
      rules: [
        { name: 'usd', when: { currencies: ['USD'] }, strategy: 'priority', channels: ['stripe', 'sandbox'] },
      ],
      quotas: { stripe: { USD: 10_000 } },
    });
    // Act
    const [fits, over] = await createAll(
      e2e.api,
      [
        { amount: 8_000, currency: 'USD' },
        { amount: 2_500, currency: 'USD' },
      ],
      1,
    );
    // Assess
    assert.equal(fits?.body.channel, 'stripe');
    assert.equal(fits?.body.routing.reason, 'rule "usd", priority: stripe, first healthy in order');
    assert.equal(over?.body.channel, 'sandbox');
    assert.equal(over?.body.routing.rule, 'usd');
    assert.deepEqual(over?.body.routing.candidates, ['sandbox']);
    assert.match(
      over?.body.routing.reason,
      /^rule "usd", priority: sandbox, .*skipped stripe \(daily quota reached\)/,
    );
    const done = await e2e.api.waitForPayment(over?.body.id, (p) => p.status !== 'processing');
    assert.equal(done.status, 'succeeded');
  });

  it('moves the payment’s quota count to the channel it fails over to', async () => {
    // Prepare: both channels have a GBP quota; Stripe will be unavailable for this payment.
    await putRouting(MERCHANT_1.id, {
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: { stripe: { GBP: 50_000 }, sandbox: { GBP: 50_000 } },
    });
    // Act
    const created = await e2e.api.createPayment({
      amount: 4_200,
      currency: 'GBP',
      metadata: { sandbox_outcome_stripe: 'unavailable' },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.channel, 'stripe');
    const done = await e2e.api.waitForPayment(created.body.id, (p) => p.status !== 'processing');
    // Assess
    assert.equal(done.status, 'succeeded');
    assert.equal(done.channel, 'sandbox');
    assert.deepEqual(
      done.routing.attempts.map((a: { channel: string; outcome: string }) => [a.channel, a.outcome]),
      [
        ['stripe', 'unavailable'],
        ['sandbox', 'succeeded'],
      ],
    );
    const dynamo = localClient(e2e.runtime.dynamoEndpoint);
    try {
      const table = { client: dynamo, tableName: e2e.runtime.tableName };
      const day = quotaDay(new Date(created.body.createdAt));
      const used = await readQuotaUsage(table, MERCHANT_1.id, 'GBP', day, ['stripe', 'sandbox']);
      assert.deepEqual(used, { stripe: 0, sandbox: 4_200 });
    } finally {
      dynamo.destroy();
    }
  });
});
