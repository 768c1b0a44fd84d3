/**
 * Settlement on DynamoDB Local, over payments and refunds as the callback leaves them (their success is
 * their line item, keyed by when it was committed): a merchant's day (payments, a partial refund, a
 * payment held in review, one with an open discrepancy) settled to the minor unit; the same run again and
 * a second run of the day settle nothing twice; a released hold lands in the next settlement; a payment
 * that succeeded 50 ms before today's run started is in that run; consecutive runs (a past day, today
 * twice, yesterday, a later day) put each item in exactly one settlement; the payout is paid once and the
 * ledger balances.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { balanceOf, trialBalance } from '../../shared/domain/settlement/ledger.js';
import { DEFAULT_PRICING, feeOf } from '../../shared/domain/settlement/pricing.js';
import type { Payment } from '../../shared/schemas/payment.js';
import { payOut, settleMerchant } from '../../shared/settlement/settle.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoHoldStore } from '../../shared/store/dynamodb/holds.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { LOCAL_INDEX_LAG_MS, startTestTable, type TestTable } from '../support/dynamodb.js';

const DAY = '2026-02-10';
const at = (hh: string) => `${DAY}T${hh}:00:00.000Z`;
const NEXT_MORNING = new Date('2026-02-11T03:00:00.000Z');

describe('settlement on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let refunds: DynamoRefundStore;
  let outcomes: DynamoChannelOutcomeStore;
  let holds: DynamoHoldStore;
  let store: DynamoSettlementStore;
  let n = 0;
  const paid: { id: string; amount: number }[] = [];
  const bank = async (p: { id: string; amount: number }) => {
    paid.push(p);
    return { reference: `bank_${p.id}` };
  };

  before(async () => {
    table = await startTestTable();
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    refunds = new DynamoRefundStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
    holds = new DynamoHoldStore(context);
    store = new DynamoSettlementStore(context);
  });
  after(async () => table.stop());

  /** A payment whose success the callback applied (committed) at `committedAt`. @returns its id. */
  async function payment(merchantId: string, amount: number, committedAt: string, currency = 'USD') {
    const body = { channel: 'sandbox' as const, amount, currency };
    const created = await payments.create({
      merchantId,
      idempotencyKey: `settle-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(Date.parse(committedAt) - 2_000),
    });
    const { id } = created.body as Payment;
    const applied = await outcomes.applyPaymentOutcome({
      channel: 'sandbox',
      eventId: `evt_${id}`,
      reference: id,
      to: 'succeeded',
      channelReference: `ch_${id}`,
      amount,
      currency,
      occurredAt: new Date(Date.parse(committedAt) - 500).toISOString(),
      now: new Date(committedAt),
    });
    assert.equal(applied.kind, 'applied');
    return id;
  }

  /** A refund of `paymentId` whose success was committed at `committedAt`. @returns its id. */
  async function refund(merchantId: string, paymentId: string, amount: number, committedAt: string) {
    const created = await refunds.create({
      merchantId,
      paymentId,
      idempotencyKey: `settle-re-${++n}`,
      requestFingerprint: `fp-${n}`,
      amount,
      now: new Date(Date.parse(committedAt) - 2_000),
    });
    const { id, currency } = created.body as { id: string; currency: string };
    const applied = await outcomes.applyRefundOutcome({
      channel: 'sandbox',
      eventId: `evt_${id}`,
      reference: id,
      to: 'succeeded',
      channelReference: `ch_${id}`,
      amount,
      currency,
      occurredAt: committedAt,
      now: new Date(committedAt),
    });
    assert.equal(applied.kind, 'applied');
    return id;
  }

  /** Every line item a merchant's settlements hold (what `?format=csv` lists), by settlement. */
  async function settledItems(merchantId: string): Promise<string[]> {
    const ids: string[] = [];
    const { items } = await store.list(merchantId, 100);
    for (const s of items) {
      const heldOut = new Set(s.windows.heldOut);
      for await (const item of store.lineItems(merchantId, s.windows.period)) {
        if (item.currency === s.currency && !heldOut.has(item.id)) ids.push(item.id);
      }
      for (const r of s.windows.released) ids.push(r.id);
    }
    return ids.sort();
  }

  it('settles a day exactly, leaves held payments for later, and never settles anything twice', async () => {
    // Prepare: three payments, a partial refund, one held in review, one with an open discrepancy
    const m = 'm_settle';
    const a = await payment(m, 10_000, at('09'));
    const b = await payment(m, 2_550, at('10'));
    const review = await payment(m, 7_000, at('11'));
    const dsc = await payment(m, 3_000, at('12'));
    const refundOfA = await refund(m, a, 4_000, at('13'));
    // Succeeded after the day's end: the day's run leaves it for a later one.
    const tomorrow = await payment(m, 999, '2026-02-11T00:00:01.000Z');
    await holds.hold(m, review, 'review');
    await holds.hold(m, dsc, 'dsc_sandbox_20260210_aaaaaaaaaaaaaaaaaaaaaaaaaa');

    // Act
    const [ref, ...others] = await settleMerchant(
      { store, indexLagMs: LOCAL_INDEX_LAG_MS },
      { merchantId: m, date: DAY, runId: 'str_1', startedAt: NEXT_MORNING },
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
    assert.deepEqual(await settledItems(m), [a, b, refundOfA].sort());

    // Act: the same run again (a retried task), and another run of the same day
    const again = await settleMerchant(
      { store, indexLagMs: LOCAL_INDEX_LAG_MS },
      { merchantId: m, date: DAY, runId: 'str_1', startedAt: NEXT_MORNING },
    );
    const second = await settleMerchant(
      { store, indexLagMs: LOCAL_INDEX_LAG_MS },
      { merchantId: m, date: DAY, runId: 'str_2', startedAt: NEXT_MORNING },
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
    await holds.release(m, review, 'review');
    const [next] = await settleMerchant(
      { store, indexLagMs: LOCAL_INDEX_LAG_MS },
      {
        merchantId: m,
        date: '2026-02-11',
        runId: 'str_3',
        startedAt: new Date('2026-02-12T03:00:00.000Z'),
      },
    );

    // Assess
    const day2 = await store.settlement(m, next?.id ?? '');
    assert.equal(day2?.grossAmount, 7_000 + 999);
    assert.equal(day2?.paymentCount, 2);
    assert.equal(day2?.heldCount, 1, 'the payment with an open discrepancy still waits');
    assert.deepEqual(await settledItems(m), [a, b, refundOfA, review, tomorrow].sort());
  });

  it('settles a success committed after its day ended (a late callback) in the run of the day it committed', async () => {
    // Prepare: a first settlement closes the day, then a payment of that day succeeds late
    const m = 'm_late';
    const onTime = await payment(m, 5_000, at('08'));
    const [first] = await settleMerchant(
      { store, indexLagMs: LOCAL_INDEX_LAG_MS },
      { merchantId: m, date: DAY, runId: 'str_l1', startedAt: NEXT_MORNING },
    );
    const late = await payment(m, 1_234, '2026-02-11T04:00:00.000Z');

    // Act
    const [second] = await settleMerchant(
      { store, indexLagMs: LOCAL_INDEX_LAG_MS },
      {
        merchantId: m,
        date: '2026-02-11',
        runId: 'str_l2',
        startedAt: new Date('2026-02-11T05:00:00.000Z'),
      },
    );

    // Assess
    assert.equal((await store.settlement(m, first?.id ?? ''))?.grossAmount, 5_000);
    assert.equal((await store.settlement(m, second?.id ?? ''))?.grossAmount, 1_234);
    assert.deepEqual(await settledItems(m), [onTime, late].sort());
  });

  it('settles in today’s run a payment that succeeded 50 ms before the run started', async () => {
    // Prepare
    const m = 'm_today';
    const id = await payment(m, 4_321, new Date().toISOString());
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    const today = new Date().toISOString().slice(0, 10);
    const refs = await settleMerchant(
      { store, indexLagMs: LOCAL_INDEX_LAG_MS },
      { merchantId: m, date: today, runId: 'str_today', startedAt: new Date() },
    );

    // Assess
    assert.equal(refs.length, 1);
    const s = await store.settlement(m, refs[0]?.id ?? '');
    assert.equal(s?.grossAmount, 4_321);
    assert.equal(s?.paymentCount, 1);
    assert.deepEqual(await settledItems(m), [id]);
  });

  it('puts each item in exactly one settlement across consecutive runs: a past day, today twice, yesterday, a later day', async () => {
    // Prepare: "today" is 2026-03-05 in this merchant's story
    const m = 'm_runs';
    const run = (date: string, runId: string, startedAt: string) =>
      settleMerchant(
        { store, indexLagMs: LOCAL_INDEX_LAG_MS },
        { merchantId: m, date, runId, startedAt: new Date(startedAt) },
      );
    const gross = async (refs: { id: string }[]) =>
      Promise.all(refs.map(async (r) => (await store.settlement(m, r.id))?.grossAmount));
    const yesterday = await payment(m, 100, '2026-03-04T20:00:00.000Z');
    const morning = await payment(m, 200, '2026-03-05T08:00:00.000Z');

    // Act + Assess: a run for two days ago leaves what succeeded after that day's end
    assert.deepEqual(await run('2026-03-03', 'str_r0', '2026-03-05T08:30:00.000Z'), []);
    // Today, twice: the first takes all that succeeded before it started, the second what came after
    assert.deepEqual(await gross(await run('2026-03-05', 'str_r1', '2026-03-05T09:00:00.000Z')), [300]);
    const noon = await payment(m, 400, '2026-03-05T10:00:00.000Z');
    assert.deepEqual(await gross(await run('2026-03-05', 'str_r2', '2026-03-05T11:00:00.000Z')), [400]);
    // Yesterday's run after today's: its window lies behind the mark, nothing lands twice
    assert.deepEqual(await run('2026-03-04', 'str_r3', '2026-03-05T11:30:00.000Z'), []);
    const afternoon = await payment(m, 800, '2026-03-05T12:00:00.000Z');
    const dayAfter = await payment(m, 1_600, '2026-03-06T01:00:00.000Z');
    // A later day takes the rest of today and that day
    assert.deepEqual(await gross(await run('2026-03-06', 'str_r4', '2026-03-07T03:00:00.000Z')), [2_400]);

    // Assess: every item once, across all the settlements
    assert.deepEqual(await settledItems(m), [yesterday, morning, noon, afternoon, dayAfter].sort());
    assert.equal((await store.state(m)).settledTo, '2026-03-07T00:00:00.000Z');
  });

  it('settles each currency apart', async () => {
    const m = 'm_multi';
    await payment(m, 1_000, at('08'));
    await payment(m, 5_000, at('09'), 'JPY');
    const refs = await settleMerchant(
      { store, indexLagMs: LOCAL_INDEX_LAG_MS },
      { merchantId: m, date: DAY, runId: 'str_m', startedAt: NEXT_MORNING },
    );
    assert.deepEqual(refs.map((r) => r.currency).sort(), ['JPY', 'USD']);
  });
});
