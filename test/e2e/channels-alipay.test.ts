/**
 * The Alipay channel end to end on the local runtime: a CNY payment pinned to Alipay reaches the Alipay
 * simulator (our app's RSA2 requests, the contract's local keys from the emulator's Secrets Manager),
 * succeeds by its signed async notify, is refunded twice in part (the second notify's `refund_fee` is the
 * trade's cumulative amount, which the callback turns into that refund's own), and a reconciliation run of
 * Alipay's day reads Alipay's own GBK trade bill and matches the payment and both refunds. Notifies made
 * with alipay-sdk: signed with a key that is not Alipay's → 401 problem+json; redelivered → `success` and
 * nothing applied twice. An amount ending in 13 fails `declined`; a notify whose amount disagrees is
 * acknowledged, recorded as a mismatch, and the payment is not marked succeeded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlipaySdk } from 'alipay-sdk';
import { mismatchesOf, reconcileToday, refundAndSettle, testKey } from '../support/channel-flows.js';
import { useLocalRuntime } from '../support/e2e.js';
import { isProblem } from '../support/http.js';

const e2e = useLocalRuntime();
const APP_ID = '2021000000000001';
/** Alipay's side signs notifies with its platform key; a forger has only some other key (here ours). */
const alipaySide = new AlipaySdk({
  appId: APP_ID,
  privateKey: testKey('alipay-platform-private'),
  keyType: 'PKCS8',
});
const forger = new AlipaySdk({
  appId: APP_ID,
  privateKey: testKey('alipay-merchant-private'),
  keyType: 'PKCS8',
});

let notifies = 0;
/** A notify form as alipay-sdk's signer writes it (every parameter signed but `sign`). */
function notifyForm(signer: AlipaySdk, fields: Record<string, string>): string {
  notifies += 1;
  return signer.sdkExecute(
    'alipay.trade.notify',
    {
      notify_id: `e2e${process.pid}n${notifies}`,
      notify_type: 'trade_status_sync',
      notify_time: '2026-12-06 22:00:09',
      ...fields,
    },
    { bizContentAutoSnakeCase: false },
  );
}

async function postNotify(form: string) {
  const res = await fetch(`${e2e.runtime.url}/v1/channels/alipay/callbacks`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: form,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Alipay's acknowledgement is plain text.
  }
  return { status: res.status, headers: res.headers, text, body };
}

async function refundsOf(paymentId: string) {
  return (await e2e.api.get(`/v1/payments/${paymentId}/refunds`)).body.data;
}

describe('Alipay channel (local runtime)', () => {
  let paymentId = '';
  let tradeNo = '';
  let firstRefundId = '';

  it('takes a CNY payment pinned to Alipay and refunds it twice in part through the notifies', async () => {
    // Act: pay
    const created = await e2e.api.createPayment({ amount: 2500, currency: 'CNY', channel: 'alipay' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.channel, 'alipay');
    paymentId = created.body.id;
    const paid = await e2e.api.waitForPayment(paymentId, (p) => p.status !== 'processing');
    // Assess
    assert.equal(paid.status, 'succeeded', JSON.stringify(paid));
    assert.match(paid.channelReference, /^2026\d+$/);
    tradeNo = paid.channelReference;
    assert.deepEqual(
      paid.routing.attempts.map((a: { channel: string; outcome: string }) => [a.channel, a.outcome]),
      [['alipay', 'succeeded']],
    );

    // Act: two partial refunds; the second notify says 15.00 refunded in all
    const first = await refundAndSettle(e2e, paymentId, 1000);
    const second = await refundAndSettle(e2e, paymentId, 500);
    // Assess
    assert.equal(first.status, 'succeeded');
    assert.equal(second.status, 'succeeded');
    assert.equal(second.amount, 500);
    firstRefundId = first.id;
    const after = (await e2e.api.get(`/v1/payments/${paymentId}`)).body;
    assert.equal(after.amountRefunded, 1500);
  });

  it('refuses a notify signed with another key (401 problem+json); a redelivery is acknowledged and applies nothing twice', async () => {
    // Prepare
    assert.ok(paymentId && firstRefundId, 'runs after the payment above');
    const payment = (await e2e.api.get(`/v1/payments/${paymentId}`)).body;
    const refunds = await refundsOf(paymentId);
    const paidFields = {
      trade_no: tradeNo,
      out_trade_no: paymentId,
      trade_status: 'TRADE_SUCCESS',
      total_amount: '25.00',
      gmt_payment: '2026-12-06 22:00:08',
    };
    const paidNotify = notifyForm(alipaySide, paidFields);
    // The first refund's notify again, as Alipay sent it then: 10.00 refunded in all.
    const refundNotify = notifyForm(alipaySide, {
      ...paidFields,
      out_biz_no: firstRefundId,
      refund_fee: '10.00',
      gmt_refund: '2026-12-06 22:10:00.000',
    });
    // Act
    const forged = await postNotify(notifyForm(forger, paidFields));
    const forgedRefund = await postNotify(
      notifyForm(forger, { ...paidFields, out_biz_no: firstRefundId, refund_fee: '25.00' }),
    );
    const paidTwice = [await postNotify(paidNotify), await postNotify(paidNotify)];
    const refundTwice = [await postNotify(refundNotify), await postNotify(refundNotify)];
    // Assess
    assert.ok(isProblem(forged, 401), forged.text);
    assert.ok(isProblem(forgedRefund, 401), forgedRefund.text);
    for (const ack of [...paidTwice, ...refundTwice]) {
      assert.equal(ack.status, 200, ack.text);
      assert.equal(ack.text, 'success');
    }
    assert.deepEqual((await e2e.api.get(`/v1/payments/${paymentId}`)).body, payment);
    assert.deepEqual(await refundsOf(paymentId), refunds);
  });

  it("reconciles Alipay's day from its own trade bill: the payment and both refunds match", async () => {
    // Act
    const run = await reconcileToday(e2e, 'alipay');
    // Assess
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.source, 'channel');
    assert.deepEqual(run.counts, {
      matched: 3,
      localMissing: 0,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 0,
    });
  });

  it('fails an Alipay payment whose amount ends in 13 as declined', async () => {
    const created = await e2e.api.createPayment({ amount: 1313, currency: 'CNY', channel: 'alipay' });
    assert.equal(created.status, 201, created.text);
    const settled = await e2e.api.waitForPayment(created.body.id, (p) => p.status !== 'processing');
    assert.equal(settled.status, 'failed');
    assert.equal(settled.failureCode, 'declined');
  });

  it('acknowledges a notify whose amount disagrees, records it and does not mark the payment succeeded', async () => {
    // Prepare: a payment Alipay takes but never settles, so only our notify speaks of it
    const created = await e2e.api.createPayment({
      amount: 3000,
      currency: 'CNY',
      channel: 'alipay',
      metadata: { sandbox_outcome_alipay: 'none' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    // Act
    const ack = await postNotify(
      notifyForm(alipaySide, {
        trade_no: '2026120622001400009999999999',
        out_trade_no: id,
        trade_status: 'TRADE_SUCCESS',
        total_amount: '3.00',
        gmt_payment: '2026-12-06 22:00:08',
      }),
    );
    await sleep(1500);
    // Assess
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.text, 'success');
    const payment = (await e2e.api.get(`/v1/payments/${id}`)).body;
    assert.equal(payment.status, 'processing');
    assert.equal(payment.channelReference, null);
    const recorded = await mismatchesOf(e2e, id);
    assert.deepEqual(
      recorded.map((m) => [m.fields, m.reported.amount, m.expected.amount]),
      [[['amount'], 300, 3000]],
    );
  });
});
