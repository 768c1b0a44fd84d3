/**
 * The ops console's read routes through the local runtime: a payment's events match, id for id, what a
 * consumer of the bus received (the merchant webhooks consumer, which forwards each event's id, time and
 * object to a receiver on 127.0.0.1); the overview's figures move with a payment and a held review; the
 * run lists show runs newest first, filtered and paginated; bad input is a 400 problem, a merchant key 403.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventIdOf } from '../../shared/events/event-id.js';
import { WEBHOOK_TYPE_OF } from '../../shared/webhooks/event-types.js';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { isProblem, uniqueKey } from '../support/http.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const e2e = useLocalRuntime();

/** Every page of `path` (a list route), following `nextCursor`. */
async function allPages(path: string, limit: number): Promise<any[]> {
  const data: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { status: number; text: string; body: any } = await e2e.ops.get(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    assert.equal(page.status, 200, page.text);
    data.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  return data;
}

describe('ops console routes', () => {
  it("lists a payment's events with the ids, detail-types, times and objects the bus delivered", async () => {
    // Prepare: a receiver for every event of merchant 1
    const receiver = await startWebhookReceiver();
    try {
      const registered = await e2e.api.post(
        '/v1/webhook-endpoints',
        { url: receiver.url },
        { idempotencyKey: uniqueKey() },
      );
      assert.equal(registered.status, 201, registered.text);
      receiver.setSecret(registered.body.secret);

      // Act: created → succeeded → assessed → refunded (partly) → refund succeeded
      const created = await e2e.api.createPayment({
        amount: 5_000,
        currency: 'USD',
        metadata: { sandbox_outcome: 'succeed' },
      });
      assert.equal(created.status, 201, created.text);
      const id: string = created.body.id;
      const paid = await e2e.api.waitForPayment(id, (p) => p.status === 'succeeded' && p.risk, 20_000);
      const refund = await e2e.api.post(
        `/v1/payments/${id}/refunds`,
        { amount: 1_000 },
        { idempotencyKey: uniqueKey() },
      );
      assert.equal(refund.status, 201, refund.text);
      const ours = (d: { body: any }) => d.body.data.object.id === id || d.body.data.object.paymentId === id;
      const delivered = await eventually(
        () => {
          const mine = receiver.deliveries.filter(ours);
          return mine.some((d) => d.body.type === 'refund.succeeded') ? mine : undefined;
        },
        30_000,
        'the refund.succeeded webhook',
      );

      // Assess: every delivered event is in the timeline, same id, detail-type, time and object
      const events = await allPages(`/v1/ops/payments/${id}/events`, 100);
      const typeOf = Object.fromEntries(Object.entries(WEBHOOK_TYPE_OF).map(([k, v]) => [v, k]));
      const byId = new Map(events.map((e) => [e.id, e]));
      for (const { body } of delivered) {
        const event = byId.get(body.id);
        assert.ok(event, `${body.type} ${body.id} is in the timeline`);
        assert.equal(event.detailType, typeOf[body.type]);
        assert.equal(event.occurredAt, body.createdAt);
        const object = event.detail.data.payment ?? event.detail.data.refund;
        assert.deepEqual(object, body.data.object, body.type);
      }
      assert.deepEqual(
        events.map((e) => e.detailType).sort(),
        ['PaymentCreated', 'PaymentSucceeded', 'RefundCreated', 'RefundSucceeded', 'RiskAssessed'].sort(),
      );
      const risk = events.find((e) => e.detailType === 'RiskAssessed');
      assert.equal(risk.id, eventIdOf('RiskAssessed', id));
      assert.equal(risk.occurredAt, paid.risk.assessedAt);
      assert.deepEqual(risk.detail.data, { paymentId: id, risk: paid.risk });
      // Oldest first, and the same list page by page
      const times = events.map((e) => e.occurredAt);
      assert.deepEqual(times, [...times].sort());
      assert.equal(events[0].detailType, 'PaymentCreated');
      assert.deepEqual(
        (await allPages(`/v1/ops/payments/${id}/events`, 2)).map((e) => e.id),
        events.map((e) => e.id),
      );
    } finally {
      await receiver.close();
    }
  });

  it('answers 404 for an unknown payment, 400 for a bad query or cursor, 403 to a merchant key', async () => {
    const unknown = await e2e.ops.get(`/v1/ops/payments/pay_${'a'.repeat(26)}/events`);
    assert.ok(isProblem(unknown, 404), unknown.text);
    const created = await e2e.api.createPayment({ amount: 700, currency: 'USD' });
    const path = `/v1/ops/payments/${created.body.id}/events`;
    for (const query of ['?limit=0', '?limit=abc', '?cursor=%25%25', '?sort=asc']) {
      const bad = await e2e.ops.get(`${path}${query}`);
      assert.ok(isProblem(bad, 400), `${query}: ${bad.text}`);
    }
    for (const route of [
      path,
      '/v1/ops/overview',
      '/v1/ops/reconciliation/runs',
      '/v1/ops/settlements/runs',
    ]) {
      const merchant = await e2e.api.get(route);
      assert.ok(isProblem(merchant, 403), `${route}: ${merchant.text}`);
    }
  });

  it("shows the channels' last 24 hours, the held reviews and the dead-letter queues in the overview", async () => {
    const before = await e2e.ops.get('/v1/ops/overview');
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(
      before.body.channels.map((c: any) => c.channel),
      ['sandbox', 'stripe', 'alipay', 'wechatpay'],
    );
    assert.equal(before.body.channels[0].hours.length, 24);
    assert.ok(before.body.deadLetters.queues.length > 0);
    assert.equal(before.body.openDiscrepancies.days, 7);
    const sandboxBefore = before.body.channels[0];

    // Act: a payment held for review (blocklist near miss + new customer + high amount, as risk-during)
    const local = uniqueKey('mallory').replace(/[^a-z0-9]/gi, '');
    const first = await e2e.api.createPayment({
      amount: 1_000,
      currency: 'USD',
      customer: { id: uniqueKey('cus'), email: `${local}@gmail.com` },
    });
    await e2e.api.post(
      `/v1/payments/${first.body.id}/fraud-reports`,
      { reason: 'card holder disputed' },
      { idempotencyKey: uniqueKey('fr') },
    );
    const held = await e2e.api.createPayment({
      amount: 150_000,
      currency: 'USD',
      customer: { id: uniqueKey('cus'), email: `${local.slice(0, 3)}.${local.slice(3)}+x@gmail.com` },
      metadata: { sandbox_outcome: 'succeed' },
    });
    await e2e.api.waitForPayment(held.body.id, (p) => p.status === 'succeeded' && p.risk, 20_000);

    // Assess: one more review held, more sandbox volume, a rate between 0 and 1
    const after = await eventually(
      async () => {
        const o = await e2e.ops.get('/v1/ops/overview');
        const sandbox = o.body.channels[0];
        return o.body.openReviews > before.body.openReviews && sandbox.volume > sandboxBefore.volume
          ? o.body
          : undefined;
      },
      30_000,
      'the overview to count the held payment and the outcomes',
    );
    assert.equal(after.openReviews, before.body.openReviews + 1);
    const sandbox = after.channels[0];
    assert.ok(sandbox.authorizationRate > 0 && sandbox.authorizationRate <= 1);
    assert.equal(sandbox.volume, sandbox.succeeded + sandbox.failed);
    assert.equal(
      sandbox.hours.reduce((a: number, h: any) => a + h.succeeded, 0),
      sandbox.succeeded,
    );
    const released = await e2e.ops.post(`/v1/ops/payments/${held.body.id}/review`, { decision: 'release' });
    assert.equal(released.status, 200, released.text);
    const settled = await e2e.ops.get('/v1/ops/overview');
    assert.equal(settled.body.openReviews, before.body.openReviews);
  });

  it('lists reconciliation runs newest first, by channel and day, page by page', async () => {
    const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
    const started: { id: string; channel: string; date: string }[] = [];
    for (const [channel, date] of [
      ['sandbox', day(3)],
      ['stripe', day(3)],
      ['sandbox', day(4)],
    ] as const) {
      const run = await e2e.ops.post(
        '/v1/ops/reconciliation/runs',
        { channel, date },
        { idempotencyKey: uniqueKey('rcr') },
      );
      assert.equal(run.status, 202, run.text);
      started.push({ id: run.body.id, channel, date });
    }
    const newestFirst = started.map((r) => r.id).reverse();

    const all = await allPages('/v1/ops/reconciliation/runs', 1);
    assert.deepEqual(
      all.map((r) => r.id).filter((id) => newestFirst.includes(id)),
      newestFirst,
    );
    assert.equal(all[0].object, 'reconciliation_run');
    const sandbox = await allPages('/v1/ops/reconciliation/runs?channel=sandbox', 10);
    assert.ok(sandbox.every((r) => r.channel === 'sandbox'));
    assert.deepEqual(
      sandbox.map((r) => r.id).filter((id) => newestFirst.includes(id)),
      [started[2]?.id, started[0]?.id],
    );
    const one = await allPages(`/v1/ops/reconciliation/runs?channel=stripe&date=${day(3)}`, 10);
    assert.ok(one.some((r) => r.id === started[1]?.id));
    assert.ok(one.every((r) => r.channel === 'stripe' && r.date === day(3)));
    for (const query of ['?channel=paypal', '?date=2026-02-30', '?limit=101', '?cursor=abc']) {
      const bad = await e2e.ops.get(`/v1/ops/reconciliation/runs${query}`);
      assert.ok(isProblem(bad, 400), `${query}: ${bad.text}`);
    }
  });

  it('lists settlement runs newest first, page by page', async () => {
    const ids: string[] = [];
    for (const offset of [5, 6]) {
      const date = new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
      const run = await e2e.ops.post(
        '/v1/ops/settlements/runs',
        { date },
        { idempotencyKey: uniqueKey('str') },
      );
      assert.equal(run.status, 202, run.text);
      ids.push(run.body.id);
    }
    const all = await allPages('/v1/ops/settlements/runs', 1);
    assert.deepEqual(
      all.map((r) => r.id).filter((id) => ids.includes(id)),
      [...ids].reverse(),
    );
    // Each as its own GET answers it (its status may move on between the two reads)
    const single = await e2e.ops.get(`/v1/ops/settlements/runs/${ids[0]}`);
    const listed = all.find((r) => r.id === ids[0]);
    assert.deepEqual(Object.keys(listed).sort(), Object.keys(single.body).sort());
    for (const field of ['id', 'object', 'date', 'createdAt'])
      assert.equal(listed[field], single.body[field]);
    const bad = await e2e.ops.get('/v1/ops/settlements/runs?cursor=abc');
    assert.ok(isProblem(bad, 400), bad.text);
  });
});
