/**
 * Risk during, end to end through the local runtime: create → the table stream → the publisher →
 * the bus's risk rule → the risk queue → the risk consumer → `risk` on the payment; a payment scored
 * for review is held and ops release it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPS_KEY, useLocalRuntime } from '../support/e2e.js';
import { isProblem, MERCHANT_1, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime();

describe('risk during (local runtime)', () => {
  it('assesses a payment within seconds of its creation and success', async () => {
    // Prepare
    const started = Date.now();
    const created = await e2e.api.createPayment({
      amount: 2_500,
      currency: 'USD',
      customer: {
        id: uniqueKey('cus'),
        email: `${uniqueKey('ada')}@example.com`,
        ip: '203.0.113.9',
        country: 'GB',
      },
    });
    assert.equal(created.status, 201, created.text);

    // Act
    const payment = await e2e.api.waitForPayment(
      created.body.id,
      (p) => p.status === 'succeeded' && p.risk,
      15_000,
    );

    // Assess
    assert.equal(payment.risk.decision, 'approve');
    assert.equal(payment.risk.score, 0);
    assert.deepEqual(payment.risk.reasons, []);
    assert.ok(Date.parse(payment.risk.assessedAt) >= Date.parse(payment.createdAt));
    assert.ok(Date.now() - started < 15_000);
  });

  it('holds a payment scored for review until ops release it', async () => {
    // Prepare: a fraud report puts the first customer's email on the merchant's blocklist.
    const local = uniqueKey('mallory').replace(/[^a-z0-9]/gi, '');
    const first = await e2e.api.createPayment({
      amount: 1_000,
      currency: 'USD',
      customer: { id: uniqueKey('cus'), email: `${local}@gmail.com` },
    });
    assert.equal(first.status, 201, first.text);
    const report = await e2e.api.post(
      `/v1/payments/${first.body.id}/fraud-reports`,
      { reason: 'card holder disputed' },
      { idempotencyKey: uniqueKey('fr') },
    );
    assert.equal(report.status, 201, report.text);
    assert.equal(report.body.paymentId, first.body.id);
    assert.match(report.body.id, /^fr_/);

    // A near-miss of that email (dots, +tag), a new customer, a high amount: 40 + 25 = 65 ≥ 60 (review).
    const dotted = `${local.slice(0, 3)}.${local.slice(3)}+second@gmail.com`;
    const second = await e2e.api.createPayment({
      amount: 150_000,
      currency: 'USD',
      customer: { id: uniqueKey('cus'), email: dotted },
      metadata: { sandbox_outcome: 'succeed' },
    });
    assert.equal(second.status, 201, second.text);

    // Act
    const held = await e2e.api.waitForPayment(
      second.body.id,
      (p) => p.risk && p.status === 'succeeded',
      15_000,
    );

    // Assess
    assert.equal(held.risk.decision, 'review');
    assert.deepEqual(held.risk.reasons, ['new_customer_high_amount', 'blocklist_near_miss']);
    const ops = { key: OPS_KEY };
    const notHeld = await e2e.api.post(
      `/v1/ops/payments/${first.body.id}/review`,
      { decision: 'release' },
      ops,
    );
    assert.ok(isProblem(notHeld, 409), notHeld.text);
    const released = await e2e.api.post(
      `/v1/ops/payments/${second.body.id}/review`,
      { decision: 'release' },
      ops,
    );
    assert.equal(released.status, 200, released.text);
    assert.equal(released.body.reviewStatus, 'released');
    assert.equal(released.body.status, 'succeeded');
    const replay = await e2e.api.post(
      `/v1/ops/payments/${second.body.id}/review`,
      { decision: 'release' },
      ops,
    );
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const other = await e2e.api.post(
      `/v1/ops/payments/${second.body.id}/review`,
      { decision: 'reject' },
      ops,
    );
    assert.ok(isProblem(other, 409), other.text);

    const day = held.createdAt.slice(0, 10);
    const summary = await e2e.api.get(`/v1/ops/merchants/${MERCHANT_1.id}/risk-summary?date=${day}`, ops);
    assert.equal(summary.status, 200, summary.text);
    assert.ok(summary.body.reviewed >= 1);
    assert.ok(summary.body.amounts.reviewed.USD >= 150_000);
    assert.ok(summary.body.topReasons.some((r: { reason: string }) => r.reason === 'blocklist_near_miss'));
  });
});
