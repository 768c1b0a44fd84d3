/**
 * Routing over HTTP, through the local runtime: the ops routing configuration routes, payments routed by
 * it (rule, strategy, candidates, chosen on the payment), quota refusals of pinned payments (422, replayed)
 * and a payment no channel can take (201 failed `channel_unavailable`, announced as payment.failed).
 *
 * Only the sandbox dispatches here; other channels appear as candidates, never as the one submitted to.
 * create-payment caches a configuration for 1 s: after each PUT the tests wait a little longer than that.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { isProblem, MERCHANT_1, MERCHANT_2, type Reply, uniqueKey } from '../support/http.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const routingPath = (merchantId: string) => `/v1/ops/merchants/${merchantId}/routing`;
const CONFIG_TTL_WAIT_MS = 1_100;
const DEFAULT = { rules: [], default: { strategy: 'priority', channels: ['sandbox'] }, quotas: {} };

const e2e = useLocalRuntime();

async function putRouting(merchantId: string, config: Record<string, unknown>) {
  const r = await e2e.ops.request('PUT', routingPath(merchantId), { body: config });
  assert.equal(r.status, 200, r.text);
  await sleep(CONFIG_TTL_WAIT_MS);
  return r;
}

describe('ops routing configuration routes', () => {
  it('answers the default for a merchant without one, and GET after PUT answers what was PUT', async () => {
    // Prepare
    const config = {
      rules: [
        {
          name: 'cny',
          when: { currencies: ['CNY'] },
          strategy: 'volume_split',
          channels: ['alipay', 'wechatpay'],
          weights: { alipay: 60, wechatpay: 40 },
        },
        {
          name: 'big',
          when: { amountMin: 100_000 },
          strategy: 'lowest_fee',
          channels: ['stripe', 'sandbox'],
        },
      ],
      default: { strategy: 'priority', channels: ['sandbox', 'stripe'] },
      quotas: { stripe: { USD: 1_000_000 } },
    };
    // Act
    const before = await e2e.ops.get(routingPath(MERCHANT_2.id));
    const put = await e2e.ops.request('PUT', routingPath(MERCHANT_2.id), { body: config });
    const after = await e2e.ops.get(routingPath(MERCHANT_2.id));
    const again = await e2e.ops.request('PUT', routingPath(MERCHANT_2.id), { body: after.body });
    const reset = await e2e.ops.request('PUT', routingPath(MERCHANT_2.id), { body: {} });
    // Assess
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(before.body, DEFAULT);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, config);
    assert.deepEqual(after.body, config);
    assert.equal(again.status, 200, 'what GET answers is a valid PUT body');
    assert.deepEqual(reset.body, DEFAULT);
  });

  it('answers 400 naming the field of an invalid configuration, and stores nothing', async () => {
    // Act
    const cases = [
      [
        { default: { strategy: 'volume_split', channels: ['sandbox', 'stripe'], weights: [50, 40] } },
        'default.weights',
      ],
      [{ rules: [{ name: 'x', strategy: 'priority', channels: ['paypal'] }] }, 'rules[0].channels[0]'],
      [{ quotas: { alipay: { USD: 100 } } }, 'quotas.alipay.USD'],
      [{ default: { strategy: 'priority', channels: ['sandbox'] }, fallback: 'stripe' }, 'fallback'],
      [
        {
          rules: [
            { name: 'a', when: { amountMin: 10, amountMax: 5 }, strategy: 'priority', channels: ['sandbox'] },
          ],
        },
        'rules[0].when.amountMax',
      ],
    ] as const;
    const answers: Reply[] = [];
    for (const [body] of cases)
      answers.push(await e2e.ops.request('PUT', routingPath(MERCHANT_1.id), { body }));
    const after = await e2e.ops.get(routingPath(MERCHANT_1.id));
    // Assess
    cases.forEach(([, path], i) => {
      const r = answers[i];
      assert.ok(r, path);
      assert.ok(isProblem(r, 400), r.text);
      assert.ok(
        r.body.errors.some((e: { path: string }) => e.path === path),
        `${path} in ${JSON.stringify(r.body.errors)}`,
      );
    });
    assert.deepEqual(after.body, DEFAULT);
  });

  it('answers 404 for an unknown merchant, 403 to a merchant key and 401 without a key', async () => {
    const get = await e2e.ops.get(routingPath('m_nobody'));
    const put = await e2e.ops.request('PUT', routingPath('m_nobody'), { body: {} });
    const merchant = await e2e.api.get(routingPath(MERCHANT_1.id));
    const anonymous = await e2e.ops.request('PUT', routingPath(MERCHANT_1.id), { key: null, body: {} });
    assert.ok(isProblem(get, 404), get.text);
    assert.ok(isProblem(put, 404), put.text);
    assert.ok(isProblem(merchant, 403), merchant.text);
    assert.ok(isProblem(anonymous, 401), anonymous.text);
  });
});

describe('payments routed at create', () => {
  it('routes a payment without channel by the matching rule, shows the decision, and still succeeds at the sandbox', async () => {
    // Prepare
    await putRouting(MERCHANT_1.id, {
      rules: [
        { name: 'eur-only', when: { currencies: ['EUR'] }, strategy: 'priority', channels: ['stripe'] },
        {
          name: 'usd-sandbox-first',
          when: { currencies: ['USD'] },
          strategy: 'priority',
          channels: ['sandbox', 'stripe'],
        },
      ],
    });
    // Act
    const created = await e2e.api.createPayment({ amount: 2100, currency: 'USD' });
    // Assess
    assert.equal(created.status, 201, created.text);
    const { routing } = created.body;
    assert.equal(created.body.channel, 'sandbox');
    assert.equal(routing.strategy, 'priority');
    assert.equal(routing.rule, 'usd-sandbox-first');
    assert.deepEqual(routing.candidates, ['sandbox', 'stripe']);
    assert.equal(routing.chosen, 'sandbox');
    assert.match(routing.reason, /^rule "usd-sandbox-first", priority: sandbox/);
    assert.deepEqual(routing.attempts, [
      { channel: 'sandbox', outcome: 'pending', at: created.body.createdAt },
    ]);
    const done = await e2e.api.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    assert.equal(done.routing.rule, 'usd-sandbox-first', 'the decision stays as it was taken');
    assert.equal(done.failureCode, null);
  });

  it('splits by volume over the sandbox alone, the weight named in the reason', async () => {
    // Prepare
    await putRouting(MERCHANT_1.id, {
      default: { strategy: 'volume_split', channels: ['sandbox'], weights: [100] },
    });
    // Act
    const answers = await Promise.all(
      [1, 2, 3].map((i) => e2e.api.createPayment({ amount: 500 + i, currency: 'GBP' })),
    );
    // Assess
    for (const a of answers) {
      assert.equal(a.status, 201, a.text);
      assert.equal(a.body.routing.strategy, 'volume_split');
      assert.equal(a.body.routing.rule, null);
      assert.equal(a.body.routing.chosen, 'sandbox');
      assert.match(a.body.routing.reason, /weight 100 of 100/);
    }
  });

  it('refuses a pinned payment over its channel quota with 422 channel-quota-exceeded, replayed for its key', async () => {
    // Prepare
    await putRouting(MERCHANT_1.id, { quotas: { sandbox: { CHF: 2_000 } } });
    const body = { amount: 1_500, currency: 'CHF', channel: 'sandbox' };
    const key = uniqueKey('quota');
    // Act
    const first = await e2e.api.createPayment(body);
    const over = await e2e.api.createPayment(body, { idempotencyKey: key });
    const replay = await e2e.api.createPayment(body, { idempotencyKey: key });
    const fits = await e2e.api.createPayment({ ...body, amount: 500 });
    // Assess
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.routing.strategy, 'pinned');
    assert.ok(isProblem(over, 422), over.text);
    assert.match(over.body.type, /\/channel-quota-exceeded$/);
    assert.equal(replay.status, 422);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.text, over.text);
    assert.equal(fits.status, 201, 'used 1,500 + 500 is exactly the 2,000 limit');
  });

  it('refuses a payment pinned to a channel that does not take its currency with 422', async () => {
    const r = await e2e.api.createPayment({ amount: 1_000, currency: 'USD', channel: 'alipay' });
    assert.ok(isProblem(r, 422), r.text);
    assert.match(r.body.type, /\/currency-not-supported$/);
  });

  it('stores a payment no healthy channel can take as failed channel_unavailable and announces payment.failed', async () => {
    // Prepare
    const receiver = await startWebhookReceiver();
    try {
      const registered = await e2e.api.post(
        '/v1/webhook-endpoints',
        { url: receiver.url },
        { idempotencyKey: uniqueKey() },
      );
      assert.equal(registered.status, 201, registered.text);
      receiver.setSecret(registered.body.secret);
      await putRouting(MERCHANT_1.id, {
        rules: [
          {
            name: 'cny-wallets',
            when: { currencies: ['CNY'] },
            strategy: 'priority',
            channels: ['alipay', 'wechatpay'],
          },
        ],
        quotas: { alipay: { CNY: 0 }, wechatpay: { CNY: 0 } },
      });
      const key = uniqueKey('unavailable');
      // Act
      const created = await e2e.api.createPayment(
        { amount: 8_800, currency: 'CNY' },
        { idempotencyKey: key },
      );
      const replay = await e2e.api.createPayment({ amount: 8_800, currency: 'CNY' }, { idempotencyKey: key });
      // Assess
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.status, 'failed');
      assert.equal(created.body.failureCode, 'channel_unavailable');
      assert.equal(created.body.channel, null);
      assert.equal(created.body.routing.rule, 'cny-wallets');
      assert.deepEqual(created.body.routing.candidates, []);
      assert.equal(created.body.routing.chosen, null);
      assert.match(created.body.routing.reason, /no healthy channel; skipped alipay \(daily quota reached\)/);
      assert.equal(replay.status, 201);
      assert.equal(replay.text, created.text, 'a replay answers the first answer exactly');
      const got = await e2e.api.get(`/v1/payments/${created.body.id}`);
      // Risk may have assessed it meanwhile (its `risk` and `updatedAt`); everything else is as created.
      const { risk: _risk, updatedAt: _got, ...stored } = got.body;
      const { updatedAt: _created, ...answered } = created.body;
      assert.deepEqual(stored, answered);
      const types = await eventually(
        () => {
          const seen = receiver.deliveries
            .filter((d) => d.body.data.object.id === created.body.id)
            .map((d) => d.body.type);
          return seen.includes('payment.failed') ? seen : undefined;
        },
        30_000,
        'payment.failed for the payment no channel took',
      );
      assert.ok(types.includes('payment.created'));
      const failed = receiver.deliveries.find((d) => d.body.type === 'payment.failed');
      assert.equal(failed?.body.data.object.failureCode, 'channel_unavailable');
    } finally {
      await receiver.close();
    }
  });
});
