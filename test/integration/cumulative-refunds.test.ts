/**
 * Alipay-style refund notifies on DynamoDB Local: two partial refunds of one payment confirmed by
 * notifies that state the trade's cumulative refunded amount, in either order, through the callback's
 * reading (the payment's refunds, then this refund's own amount) and the guarded outcome write; a
 * redelivery changes nothing, a figure no set of our refunds makes is recorded as a mismatch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { refundAmountFromCumulative } from '../../shared/domain/cumulative-refund.js';
import type { Payment } from '../../shared/schemas/payment.js';
import type { Refund } from '../../shared/schemas/refund.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { refundsBesides } from '../../shared/store/dynamodb/payment-refunds.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

describe('cumulative refund notifies on DynamoDB Local', () => {
  let table: TestTable;
  let context: { client: TestTable['client']; tableName: string };
  let payments: DynamoPaymentStore;
  let refunds: DynamoRefundStore;
  let outcomes: DynamoChannelOutcomeStore;
  let n = 0;

  before(async () => {
    table = await startTestTable();
    context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    refunds = new DynamoRefundStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
  });
  after(async () => table.stop());

  const at = () => {
    const now = new Date();
    return { occurredAt: now.toISOString(), now };
  };

  async function paidAlipayPayment(amount: number) {
    const body = { amount, currency: 'CNY', channel: 'alipay' as const };
    const created = await payments.create({
      merchantId: 'm_c',
      idempotencyKey: `pay-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(),
    });
    const id = (created.body as Payment).id;
    const paid = await outcomes.applyPaymentOutcome({
      channel: 'alipay',
      eventId: `notify_pay_${n}`,
      reference: id,
      to: 'succeeded',
      channelReference: `2026${n}`,
      amount,
      currency: 'CNY',
      ...at(),
    });
    assert.equal(paid.kind, 'applied');
    return id;
  }

  async function refund(paymentId: string, amount: number) {
    const body = { amount };
    const created = await refunds.create({
      merchantId: 'm_c',
      paymentId,
      idempotencyKey: `refund-${++n}`,
      requestFingerprint: requestFingerprint('POST', `/v1/payments/${paymentId}/refunds`, body),
      amount,
      now: new Date(),
    });
    assert.equal(created.status, 201);
    return (created.body as Refund).id;
  }

  /** What the callback does with an Alipay refund notify (functions/channels/callback.ts). */
  async function notify(refundId: string, cumulative: number, notifyId: string) {
    const amount = refundAmountFromCumulative(refundId, cumulative, await refundsBesides(context, refundId));
    return outcomes.applyRefundOutcome({
      channel: 'alipay',
      eventId: notifyId,
      reference: refundId,
      to: 'succeeded',
      channelReference: 'trade',
      amount,
      currency: 'CNY',
      ...at(),
    });
  }

  it('confirms two partial refunds by their cumulative notifies, in order', async () => {
    const payment = await paidAlipayPayment(1000);
    const a = await refund(payment, 300);
    const b = await refund(payment, 200);
    assert.equal((await notify(a, 300, 'n_a')).kind, 'applied');
    assert.equal((await notify(b, 500, 'n_b')).kind, 'applied');
    assert.equal((await notify(b, 500, 'n_b')).kind, 'already_applied');
    const listed = await refunds.list('m_c', payment);
    assert.deepEqual(
      listed.map((r) => r.status),
      ['succeeded', 'succeeded'],
    );
    assert.equal((await payments.get('m_c', payment)).amountRefunded, 500);
  });

  it('confirms them when the second notify arrives first', async () => {
    const payment = await paidAlipayPayment(1000);
    const a = await refund(payment, 300);
    const b = await refund(payment, 200);
    assert.equal((await notify(b, 500, 'n_b2')).kind, 'applied');
    assert.equal((await notify(a, 300, 'n_a2')).kind, 'applied');
    assert.deepEqual(
      (await refunds.list('m_c', payment)).map((r) => r.status),
      ['succeeded', 'succeeded'],
    );
  });

  it('records a cumulative figure no set of our refunds makes as a mismatch, the refund left pending', async () => {
    const payment = await paidAlipayPayment(1000);
    const a = await refund(payment, 300);
    const result = await notify(a, 450, 'n_odd');
    assert.equal(result.kind, 'mismatch');
    assert.equal((await refunds.list('m_c', payment))[0]?.status, 'pending');
  });
});
