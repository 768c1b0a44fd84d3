/**
 * Money under concurrency, over HTTP: identical creates race to one payment; refunds that together
 * exceed the amount race and the refunded total never passes it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useLocalRuntime } from '../support/e2e.js';
import { uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime({ callbackDelayMs: 100 });

describe('concurrency', () => {
  it('turns 50 concurrent identical creates into exactly one payment', async () => {
    // Prepare
    const key = uniqueKey('race');
    const body = {
      amount: 4242,
      currency: 'USD',
      description: 'race',
      metadata: { sandbox_outcome: 'none' },
    };

    // Act
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => e2e.api.post('/v1/payments', body, { idempotencyKey: key })),
    );

    // Assess: each answer is the one payment (201, replayed or not) or 409 while the first is in flight.
    for (const r of replies) assert.ok(r.status === 201 || r.status === 409, `${r.status} ${r.text}`);
    const created = replies.filter((r) => r.status === 201);
    assert.ok(created.length >= 1);
    const ids = new Set(created.map((r) => r.body.id));
    assert.equal(ids.size, 1);
    assert.equal(created.filter((r) => r.headers.get('idempotent-replayed') !== 'true').length, 1);
    const list = await e2e.api.get('/v1/payments?limit=100');
    assert.equal(list.body.data.filter((p: any) => p.description === 'race').length, 1);
  });

  it('never refunds more than the amount when 20 concurrent refunds together exceed it', async () => {
    // Prepare: 10,000 captured; 20 refunds of 700 ask for 14,000.
    const p = await e2e.api.createPayment({ amount: 10_000, currency: 'USD' });
    await e2e.api.waitForPayment(p.body.id, (x) => x.status === 'succeeded');

    // Act
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        e2e.api.post(
          `/v1/payments/${p.body.id}/refunds`,
          { amount: 700 },
          { idempotencyKey: uniqueKey('refund') },
        ),
      ),
    );

    // Assess
    for (const r of replies) assert.ok([201, 422].includes(r.status), `${r.status} ${r.text}`);
    const accepted = replies.filter((r) => r.status === 201);
    assert.equal(accepted.length, 14, 'exactly floor(10000 / 700) refunds fit');
    const payment = await e2e.api.get(`/v1/payments/${p.body.id}`);
    assert.equal(payment.body.amountRefunded, 9_800);
    const refunds = await e2e.api.get(`/v1/payments/${p.body.id}/refunds`);
    const total = refunds.body.data.reduce((s: number, r: any) => s + r.amount, 0);
    assert.equal(total, 9_800);
    assert.ok(total <= 10_000);

    // What remains (200) can still be refunded, and nothing more.
    const rest = await e2e.api.post(`/v1/payments/${p.body.id}/refunds`, {}, { idempotencyKey: uniqueKey() });
    assert.equal(rest.status, 201, rest.text);
    assert.equal(rest.body.amount, 200);
    const none = await e2e.api.post(
      `/v1/payments/${p.body.id}/refunds`,
      { amount: 1 },
      { idempotencyKey: uniqueKey() },
    );
    assert.equal(none.status, 422);
  });
});
