/**
 * Settlement end to end on the local runtime, through the synthesized state machine (aws-local-stepfunctions):
 * a day of payments, a partial refund, a payment held in risk review and one held by an open
 * discrepancy → the settlement's figures to the minor unit; the same run key again → no second payout;
 * a second run of the day → nothing settled twice; the review released → the next run takes it; a payout
 * that keeps failing → retried, then recorded `payout_failed`; a run for today started as soon as payments
 * show `succeeded` → it settles them (a line item is keyed by when its success was committed, by that
 * very write: no grace to wait out).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PRICING, feeOf } from '../../shared/domain/settlement/pricing.js';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { MERCHANT_1, MERCHANT_2, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime({
  stepFunctionsTimeScale: 0.01,
});

const today = () => new Date().toISOString().slice(0, 10);
const fee = (amount: number) => feeOf(DEFAULT_PRICING, amount, 'USD');

async function bank(path: string, body?: unknown) {
  const response = await fetch(`${e2e.runtime.pspUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json() as Promise<any>;
}

async function settle(key = uniqueKey('settle')) {
  const started = await e2e.ops.post('/v1/ops/settlements/runs', { date: today() }, { idempotencyKey: key });
  assert.equal(started.status, 202, started.text);
  const run = await eventually(
    async () => {
      const r = await e2e.ops.get(`/v1/ops/settlements/runs/${started.body.id}`);
      assert.equal(r.status, 200, r.text);
      return r.body.status === 'running' ? undefined : r.body;
    },
    30_000,
    'the settlement run to end',
  );
  return { started, run };
}

async function settlementsOf(key: string) {
  const listed = await e2e.api.get('/v1/settlements?limit=100', { key });
  assert.equal(listed.status, 200, listed.text);
  return listed.body.data as any[];
}

describe('settlement (local runtime)', () => {
  it('settles a day exactly, holds what is held, pays out once and settles nothing twice', async () => {
    // Prepare: a reported payment puts its email on the blocklist; a near-miss of it is held for review
    const local = uniqueKey('mallory').replace(/[^a-z0-9]/gi, '');
    const reported = await e2e.api.createPayment({
      amount: 3_000,
      currency: 'USD',
      customer: { email: `${local}@gmail.com` },
    });
    await e2e.api.waitForPayment(reported.body.id, (p) => p.status === 'succeeded' && p.risk);
    const report = await e2e.api.post(
      `/v1/payments/${reported.body.id}/fraud-reports`,
      { reason: 'stolen card' },
      {
        idempotencyKey: uniqueKey('fr'),
      },
    );
    assert.equal(report.status, 201, report.text);
    const review = await e2e.api.createPayment({
      amount: 150_000,
      currency: 'USD',
      customer: { id: uniqueKey('cus'), email: `${local.slice(0, 3)}.${local.slice(3)}+x@gmail.com` },
    });
    const p1 = await e2e.api.createPayment({ amount: 10_000, currency: 'USD' });
    const p2 = await e2e.api.createPayment({ amount: 2_550, currency: 'USD' });
    const altered = await e2e.api.createPayment({ amount: 4_400, currency: 'USD' });
    for (const p of [review, p1, p2, altered]) assert.equal(p.status, 201, p.text);
    const held = await e2e.api.waitForPayment(review.body.id, (p) => p.status === 'succeeded' && p.risk);
    assert.equal(held.risk.decision, 'review');
    for (const p of [p1, p2, altered])
      await e2e.api.waitForPayment(p.body.id, (x) => x.status === 'succeeded');
    const refund = await e2e.api.post(
      `/v1/payments/${p1.body.id}/refunds`,
      { amount: 4_000 },
      { idempotencyKey: uniqueKey('re') },
    );
    assert.equal(refund.status, 201, refund.text);
    await eventually(async () => {
      const r = await e2e.api.get(`/v1/payments/${p1.body.id}/refunds`);
      return r.body.data[0]?.status === 'succeeded' ? true : undefined;
    });
    // An open discrepancy holds `altered`: the channel reports another amount.
    await bank(`/statements/${today()}/discrepancies`, {
      alter: [{ reference: altered.body.id, amount: 4_401 }],
    });
    const recon = await e2e.ops.post(
      '/v1/ops/reconciliation/runs',
      { channel: 'sandbox', date: today() },
      {
        idempotencyKey: uniqueKey('recon'),
      },
    );
    assert.equal(recon.status, 202, recon.text);
    const reconciled = await eventually(async () => {
      const r = await e2e.ops.get(`/v1/ops/reconciliation/runs/${recon.body.id}`);
      return r.body.status === 'completed' ? r.body : undefined;
    }, 20_000);
    assert.deepEqual(reconciled.counts, {
      matched: 5,
      localMissing: 0,
      channelMissing: 0,
      mismatched: 1,
      duplicates: 0,
    });

    // Act
    const key = uniqueKey('settle');
    const { run } = await settle(key);

    // Assess: one USD settlement, exact to the minor unit
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.settlements, 1);
    const [s] = await settlementsOf(MERCHANT_1.key);
    const landed = [3_000, 10_000, 2_550];
    const fees = landed.reduce((sum, a) => sum + fee(a), 0);
    assert.deepEqual(
      [s.currency, s.grossAmount, s.refundedAmount, s.feeAmount, s.netAmount, s.paymentCount, s.refundCount],
      ['USD', 15_550, 4_000, fees, 15_550 - 4_000 - fees, 3, 1],
    );
    assert.equal(s.status, 'paid');
    assert.equal(s.payout.amount, s.netAmount);
    const csv = await e2e.api.get(`/v1/settlements/${s.id}?format=csv`);
    assert.equal(csv.status, 200, csv.text);
    assert.equal(csv.text.trim().split('\n').length, 1 + 4);
    // Each line with the channel it succeeded at and its fee: the payments' fees add up to the settlement's.
    const [header, ...rows] = csv.text
      .trim()
      .split('\n')
      .map((l: string) => l.split(','));
    assert.deepEqual(header, ['type', 'id', 'amount', 'currency', 'occurred_at', 'channel', 'fee']);
    assert.ok(rows.every((r: string[]) => r[5] === 'sandbox'));
    assert.equal(
      rows.reduce((sum: number, r: string[]) => sum + Number(r[6]), 0),
      s.feeAmount,
    );
    assert.ok(
      csv.text.includes(p1.body.id) &&
        !csv.text.includes(review.body.id) &&
        !csv.text.includes(altered.body.id),
    );

    // Act: the same key again, then another run of the day
    const replay = await e2e.ops.post('/v1/ops/settlements/runs', { date: today() }, { idempotencyKey: key });
    const { run: second } = await settle();

    // Assess
    assert.equal(replay.status, 202);
    assert.equal(replay.body.id, run.id);
    assert.equal(second.status, 'succeeded');
    assert.equal(second.settlements, 0);
    const payouts = (await bank('/payouts')).data.filter(
      (p: { merchantId: string }) => p.merchantId === MERCHANT_1.id,
    );
    assert.equal(payouts.length, 1);

    // Act: ops release the review; the next run takes it
    const released = await e2e.ops.post(`/v1/ops/payments/${review.body.id}/review`, { decision: 'release' });
    assert.equal(released.status, 200, released.text);
    const { run: third } = await settle();

    // Assess
    assert.equal(third.settlements, 1);
    const latest = (await settlementsOf(MERCHANT_1.key))[0];
    assert.equal(latest.grossAmount, 150_000);
    assert.equal(latest.paymentCount, 1);
  });

  it('retries a payout the bank refuses, then records it failed', async () => {
    // Prepare
    await bank('/payouts/failures', { merchantId: MERCHANT_2.id, times: 100 });
    const p = await e2e.api.createPayment({ amount: 5_000, currency: 'USD' }, { key: MERCHANT_2.key });
    assert.equal(p.status, 201, p.text);
    await e2e.api.waitForPayment(p.body.id, (x) => x.status === 'succeeded', 15_000, { key: MERCHANT_2.key });

    // Act
    const { run } = await settle();

    // Assess
    assert.equal(run.status, 'succeeded', run.error);
    const [s] = await settlementsOf(MERCHANT_2.key);
    assert.equal(s.status, 'payout_failed');
    assert.equal(s.payout, null);
  });

  it('settles payments in a run for today started as soon as they show succeeded', async () => {
    // Prepare: five payments through the API, each waited on until it shows `succeeded`
    const amounts = [1_010, 2_020, 3_030, 4_040, 5_050];
    const created = await Promise.all(
      amounts.map((amount) => e2e.api.createPayment({ amount, currency: 'USD' })),
    );
    for (const p of created) assert.equal(p.status, 201, p.text);
    for (const p of created) await e2e.api.waitForPayment(p.body.id, (x) => x.status === 'succeeded');

    // Act: at once
    const { run } = await settle();

    // Assess: they are in this run, to the minor unit
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.settlements, 1);
    const [s] = await settlementsOf(MERCHANT_1.key);
    const gross = amounts.reduce((sum, a) => sum + a, 0);
    const fees = amounts.reduce((sum, a) => sum + fee(a), 0);
    assert.deepEqual(
      [s.grossAmount, s.refundedAmount, s.feeAmount, s.netAmount, s.paymentCount, s.refundCount],
      [gross, 0, fees, gross - fees, 5, 0],
    );
  });
});
