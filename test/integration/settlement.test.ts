/**
 * Settlement on DynamoDB Local: a merchant's day of outcomes (payments, a partial refund, a payment held
 * in review, one with an open discrepancy) settled to the minor unit; the same run again and a second
 * run of the day settle nothing twice; a released hold lands in the next settlement; the payout is paid
 * once and the ledger balances.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { balanceOf, trialBalance } from '../../shared/domain/settlement/ledger.js';
import { DEFAULT_PRICING, feeOf } from '../../shared/domain/settlement/pricing.js';
import { payOut, settleMerchant } from '../../shared/settlement/settle.js';
import { DynamoExpectedOutcomeStore } from '../../shared/store/dynamodb/expected-outcomes.js';
import { DynamoHoldStore } from '../../shared/store/dynamodb/holds.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const DAY = '2026-02-10';
const at = (hh: string) => `${DAY}T${hh}:00:00.000Z`;
const NEXT_MORNING = new Date('2026-02-11T03:00:00.000Z');

describe('settlement on DynamoDB Local', () => {
  let table: TestTable;
  let outcomes: DynamoExpectedOutcomeStore;
  let holds: DynamoHoldStore;
  let store: DynamoSettlementStore;
  const paid: { id: string; amount: number }[] = [];
  const bank = async (p: { id: string; amount: number }) => {
    paid.push(p);
    return { reference: `bank_${p.id}` };
  };

  before(async () => {
    table = await startTestTable();
    const context = { client: table.client, tableName: table.tableName };
    outcomes = new DynamoExpectedOutcomeStore(context);
    holds = new DynamoHoldStore(context);
    store = new DynamoSettlementStore(context);
  });
  after(async () => table.stop());

  /** An outcome recorded a moment after it happened (on time). */
  async function outcome(
    merchantId: string,
    type: 'payment' | 'refund',
    reference: string,
    amount: number,
    occurredAt: string,
    currency = 'USD',
  ) {
    await outcomes.record(
      {
        channel: 'sandbox',
        day: DAY,
        type,
        reference,
        channelReference: `ch_${reference}`,
        merchantId,
        amount,
        currency,
        status: 'succeeded',
        occurredAt,
        eventId: `evt_${reference}`,
      },
      new Date(Date.parse(occurredAt) + 2_000),
    );
  }

  it('settles a day exactly, leaves held payments for later, and never settles anything twice', async () => {
    // Prepare: three payments, a partial refund, one held in review, one with an open discrepancy
    const m = 'm_settle';
    await outcome(m, 'payment', 'pay_a', 10_000, at('09'));
    await outcome(m, 'payment', 'pay_b', 2_550, at('10'));
    await outcome(m, 'payment', 'pay_review', 7_000, at('11'));
    await outcome(m, 'payment', 'pay_dsc', 3_000, at('12'));
    await outcome(m, 'refund', 're_a', 4_000, at('13'));
    await outcome(m, 'payment', 'pay_tomorrow', 999, '2026-02-11T00:00:01.000Z');
    await holds.hold(m, 'pay_review', 'review');
    await holds.hold(m, 'pay_dsc', 'dsc_sandbox_20260210_aaaaaaaaaaaaaaaaaaaaaaaaaa');

    // Act
    const [ref, ...others] = await settleMerchant(
      { store },
      { merchantId: m, date: DAY, runId: 'str_1', now: NEXT_MORNING },
    );

    // Assess: gross of the two free payments, the refund, their fees, to the minor unit
    assert.equal(others.length, 0);
    assert.ok(ref);
    const s = await store.settlement(m, ref.id);
    const fees = feeOf(DEFAULT_PRICING, 10_000, 'USD') + feeOf(DEFAULT_PRICING, 2_550, 'USD');
    assert.deepEqual(
      {
        gross: s?.grossAmount,
        refunded: s?.refundedAmount,
        fee: s?.feeAmount,
        net: s?.netAmount,
        payments: s?.paymentCount,
        refunds: s?.refundCount,
        held: s?.heldCount,
      },
      {
        gross: 12_550,
        refunded: 4_000,
        fee: fees,
        net: 12_550 - 4_000 - fees,
        payments: 2,
        refunds: 1,
        held: 2,
      },
    );
    assert.equal(s?.periodEnd, '2026-02-11T00:00:00.000Z');
    assert.equal(s?.status, 'pending_payout');

    // Act: the same run again (a retried task), and another run of the same day
    const again = await settleMerchant(
      { store },
      { merchantId: m, date: DAY, runId: 'str_1', now: NEXT_MORNING },
    );
    const second = await settleMerchant(
      { store },
      { merchantId: m, date: DAY, runId: 'str_2', now: NEXT_MORNING },
    );

    // Assess
    assert.deepEqual(again, [ref]);
    assert.deepEqual(second, []);

    // Act: paid out twice (a retried task): the bank sees it once
    await payOut({ store, bank }, ref, NEXT_MORNING);
    const settled = await payOut({ store, bank }, ref, NEXT_MORNING);

    // Assess
    assert.equal(settled.status, 'paid');
    assert.deepEqual(paid, [{ id: ref.id, merchantId: m, amount: ref.netAmount, currency: 'USD' }]);
    const ledger = await store.ledgerEntries(m, 'USD');
    assert.deepEqual(trialBalance(ledger), { USD: 0 });
    assert.equal(balanceOf(ledger, 'merchant_payable', 'USD'), 0);
    assert.equal(balanceOf(ledger, 'merchant_held', 'USD'), 10_000);

    // Act: ops release the review hold; the next day's run takes it (and tomorrow's payment)
    await holds.release(m, 'pay_review', 'review');
    const [next] = await settleMerchant(
      { store },
      { merchantId: m, date: '2026-02-11', runId: 'str_3', now: new Date('2026-02-12T03:00:00.000Z') },
    );

    // Assess
    const day2 = await store.settlement(m, next?.id ?? '');
    assert.equal(day2?.grossAmount, 7_000 + 999);
    assert.equal(day2?.paymentCount, 2);
    assert.equal(day2?.heldCount, 1, 'the payment with an open discrepancy still waits');
  });

  it('settles a late outcome (recorded long after it happened) in the first run after it was recorded', async () => {
    // Prepare: a first settlement closes the day, then an outcome of that day is recorded late
    const m = 'm_late';
    await outcome(m, 'payment', 'pay_on_time', 5_000, at('08'));
    const [first] = await settleMerchant(
      { store },
      { merchantId: m, date: DAY, runId: 'str_l1', now: NEXT_MORNING },
    );
    await outcomes.record(
      {
        channel: 'sandbox',
        day: DAY,
        type: 'payment',
        reference: 'pay_late',
        channelReference: 'ch_late',
        merchantId: m,
        amount: 1_234,
        currency: 'USD',
        status: 'succeeded',
        occurredAt: at('22'),
        eventId: 'evt_late',
      },
      new Date('2026-02-11T04:00:00.000Z'),
    );

    // Act
    const [second] = await settleMerchant(
      { store },
      { merchantId: m, date: '2026-02-11', runId: 'str_l2', now: new Date('2026-02-11T05:00:00.000Z') },
    );

    // Assess
    assert.equal((await store.settlement(m, first?.id ?? ''))?.grossAmount, 5_000);
    assert.equal((await store.settlement(m, second?.id ?? ''))?.grossAmount, 1_234);
  });

  it('settles each currency apart', async () => {
    const m = 'm_multi';
    await outcome(m, 'payment', 'pay_usd', 1_000, at('08'));
    await outcome(m, 'payment', 'pay_jpy', 5_000, at('09'), 'JPY');
    const refs = await settleMerchant(
      { store },
      { merchantId: m, date: DAY, runId: 'str_m', now: NEXT_MORNING },
    );
    assert.deepEqual(refs.map((r) => r.currency).sort(), ['JPY', 'USD']);
  });
});
