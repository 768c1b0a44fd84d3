/**
 * The whole lifecycle over real HTTP against the local runtime: the same bundles and wiring that
 * `cdk deploy` ships, DynamoDB Local, the stream-driven dispatcher and the sandbox PSP's signed callbacks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useLocalRuntime } from '../support/e2e.js';
import { Api, isProblem, MERCHANT_1, MERCHANT_2, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime();

describe('payment lifecycle', () => {
  it('answers the health check without auth', async () => {
    const r = await e2e.api.get('/health', { key: null });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok' });
  });

  it('takes a payment from creation through the signed callback to partial refunds', async () => {
    // Prepare
    const body = {
      amount: 10_000,
      currency: 'USD',
      description: 'Order 1001',
      customer: { id: 'cus_1', email: 'ada@example.com', ip: '203.0.113.9', country: 'GB' },
      metadata: { order: '1001' },
    };

    // Act: create
    const created = await e2e.api.createPayment(body);

    // Assess
    assert.equal(created.status, 201, created.text);
    assert.match(created.headers.get('content-type') ?? '', /^application\/json/);
    const p = created.body;
    assert.match(p.id, /^pay_/);
    assert.equal(p.object, 'payment');
    assert.equal(p.merchantId, MERCHANT_1.id);
    assert.equal(p.amount, 10_000);
    assert.equal(p.currency, 'USD');
    assert.equal(p.status, 'processing');
    assert.equal(p.channel, 'sandbox');
    assert.equal(p.amountRefunded, 0);
    assert.equal(p.description, 'Order 1001');
    assert.deepEqual(p.customer, body.customer);
    assert.deepEqual(p.metadata, { order: '1001' });
    assert.ok(!Number.isNaN(Date.parse(p.createdAt)));
    assert.ok(!Number.isNaN(Date.parse(p.updatedAt)));

    // The sandbox PSP calls back on its own.
    const succeeded = await e2e.api.waitForPayment(p.id, (x) => x.status === 'succeeded');
    assert.equal(typeof succeeded.channelReference, 'string');
    assert.ok(succeeded.channelReference.length > 0);

    // Partial refunds.
    const r1 = await e2e.api.post(
      `/v1/payments/${p.id}/refunds`,
      { amount: 2_500, reason: 'damaged' },
      { idempotencyKey: uniqueKey() },
    );
    assert.equal(r1.status, 201, r1.text);
    assert.match(r1.body.id, /^re_/);
    assert.equal(r1.body.object, 'refund');
    assert.equal(r1.body.paymentId, p.id);
    assert.equal(r1.body.amount, 2_500);
    assert.equal(r1.body.currency, 'USD');
    assert.equal(r1.body.status, 'pending');
    assert.equal(r1.body.reason, 'damaged');

    const r2 = await e2e.api.post(
      `/v1/payments/${p.id}/refunds`,
      { amount: 1_500 },
      { idempotencyKey: uniqueKey() },
    );
    assert.equal(r2.status, 201, r2.text);
    assert.equal(r2.body.reason, null);

    const afterRefunds = await e2e.api.get(`/v1/payments/${p.id}`);
    assert.equal(afterRefunds.body.amountRefunded, 4_000);

    // More than what remains → 422; the rest (no amount) → 201 for exactly the remainder.
    const over = await e2e.api.post(
      `/v1/payments/${p.id}/refunds`,
      { amount: 6_001 },
      { idempotencyKey: uniqueKey() },
    );
    assert.ok(isProblem(over, 422), over.text);
    const rest = await e2e.api.post(`/v1/payments/${p.id}/refunds`, {}, { idempotencyKey: uniqueKey() });
    assert.equal(rest.status, 201, rest.text);
    assert.equal(rest.body.amount, 6_000);

    // The sandbox confirms every refund.
    const deadline = Date.now() + 15_000;
    let refunds: any[] = [];
    while (Date.now() < deadline) {
      const list = await e2e.api.get(`/v1/payments/${p.id}/refunds`);
      assert.equal(list.status, 200);
      refunds = list.body.data;
      if (refunds.length === 3 && refunds.every((r) => r.status === 'succeeded')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(
      refunds.map((r) => r.status),
      ['succeeded', 'succeeded', 'succeeded'],
    );
    assert.deepEqual(
      refunds.map((r) => r.amount).sort((a, b) => a - b),
      [1_500, 2_500, 6_000],
    );
    const final = await e2e.api.get(`/v1/payments/${p.id}`);
    assert.equal(final.body.amountRefunded, 10_000);
    assert.equal(final.body.status, 'succeeded');
  });

  it('fails a payment whose amount ends in 13', async () => {
    const created = await e2e.api.createPayment({ amount: 1013, currency: 'EUR' });
    assert.equal(created.status, 201, created.text);
    const failed = await e2e.api.waitForPayment(created.body.id, (x) => x.status !== 'processing');
    assert.equal(failed.status, 'failed');
  });

  it('lets sandbox_outcome override the amount rule', async () => {
    const ok = await e2e.api.createPayment({
      amount: 2013,
      currency: 'USD',
      metadata: { sandbox_outcome: 'succeed' },
    });
    const ko = await e2e.api.createPayment({
      amount: 2000,
      currency: 'USD',
      metadata: { sandbox_outcome: 'fail' },
    });
    assert.equal(
      (await e2e.api.waitForPayment(ok.body.id, (x) => x.status !== 'processing')).status,
      'succeeded',
    );
    assert.equal(
      (await e2e.api.waitForPayment(ko.body.id, (x) => x.status !== 'processing')).status,
      'failed',
    );
  });

  it('takes zero-decimal currencies in their own minor units', async () => {
    const created = await e2e.api.createPayment({ amount: 1050, currency: 'JPY' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.amount, 1050);
    assert.equal(created.body.currency, 'JPY');
    const done = await e2e.api.waitForPayment(created.body.id, (x) => x.status === 'succeeded');
    assert.equal(done.amount, 1050);
  });

  it('refuses to refund a payment that has not succeeded with 409', async () => {
    const created = await e2e.api.createPayment({
      amount: 500,
      currency: 'USD',
      metadata: { sandbox_outcome: 'none' },
    });
    const refund = await e2e.api.post(
      `/v1/payments/${created.body.id}/refunds`,
      { amount: 100 },
      { idempotencyKey: uniqueKey() },
    );
    assert.ok(isProblem(refund, 409), refund.text);
    const failed = await e2e.api.createPayment({
      amount: 600,
      currency: 'USD',
      metadata: { sandbox_outcome: 'fail' },
    });
    await e2e.api.waitForPayment(failed.body.id, (x) => x.status === 'failed');
    const refund2 = await e2e.api.post(
      `/v1/payments/${failed.body.id}/refunds`,
      {},
      { idempotencyKey: uniqueKey() },
    );
    assert.ok(isProblem(refund2, 409), refund2.text);
  });

  it('lists payments newest first with cursors and a status filter', async () => {
    const api2 = new Api(e2e.runtime.url, MERCHANT_2.key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const r = await api2.createPayment({
        amount: 100 + i,
        currency: 'USD',
        metadata: { sandbox_outcome: 'none' },
      });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    const failed = await api2.createPayment({ amount: 713, currency: 'USD' });
    await api2.waitForPayment(failed.body.id, (x) => x.status === 'failed');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await api2.get(`/v1/payments${q}`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((x: any) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [failed.body.id, ...ids.reverse()]);

    const onlyFailed = await api2.get('/v1/payments?status=failed');
    assert.equal(onlyFailed.status, 200);
    assert.deepEqual(
      onlyFailed.body.data.map((x: any) => x.id),
      [failed.body.id],
    );
    assert.equal(onlyFailed.body.nextCursor, null);

    // Merchant 1 never sees merchant 2's payments.
    const mine = await e2e.api.get('/v1/payments?limit=100');
    assert.ok(mine.body.data.every((x: any) => x.merchantId === MERCHANT_1.id));
  });
});
