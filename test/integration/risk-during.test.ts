/**
 * Risk during on DynamoDB Local: the consumer's message handler with the real stores (the profile is
 * injected, so each test states the rules it needs).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { handleRiskMessage, riskControlDeps } from '../../functions/events/risk.js';
import { countIn } from '../../shared/domain/risk/folded-counters.js';
import { bucketOf } from '../../shared/domain/risk/velocity.js';
import { InvalidEventError } from '../../shared/events/errors.js';
import type { RiskControlDeps } from '../../shared/risk/assess-payment.js';
import { PaymentNotInReviewError } from '../../shared/risk/errors.js';
import { reviewPayment } from '../../shared/risk/review-payment.js';
import type { CreatePaymentBody } from '../../shared/schemas/payment.js';
import { DEFAULT_RISK_PROFILE, type RiskProfile } from '../../shared/schemas/risk-profile.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoFraudReportStore } from '../../shared/store/dynamodb/fraud-reports.js';
import { DynamoPaymentRiskStore } from '../../shared/store/dynamodb/payment-risk.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DEDUPE_CAP, MAX_ITEM_BYTES, riskCounterKey } from '../../shared/store/dynamodb/risk-assessments.js';
import { fromItem, itemBytes } from '../../shared/store/dynamodb/risk-counter-items.js';
import { utcDay } from '../../shared/store/dynamodb/risk-summaries.js';
import { DynamoRiskSummaryReader } from '../../shared/store/dynamodb/risk-summary-reads.js';
import { IdempotencyKeyReusedError } from '../../shared/store/errors.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

/** Rules for these tests: a high amount from a new customer alone decides (review or reject). */
function profileWith(overrides: Partial<RiskProfile> = {}): RiskProfile {
  return { ...DEFAULT_RISK_PROFILE, ...overrides };
}
const REVIEW_NEW_HIGH = profileWith({
  weights: { ...DEFAULT_RISK_PROFILE.weights, newCustomerHighAmount: 70 },
});
const REJECT_NEW_HIGH = profileWith({
  weights: { ...DEFAULT_RISK_PROFILE.weights, newCustomerHighAmount: 90 },
});

describe('risk during on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let outcomes: DynamoChannelOutcomeStore;
  let riskPayments: DynamoPaymentRiskStore;
  let summaries: DynamoRiskSummaryReader;
  let profile: RiskProfile = DEFAULT_RISK_PROFILE;
  let deps: RiskControlDeps;
  let n = 0;

  before(async () => {
    table = await startTestTable();
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
    riskPayments = new DynamoPaymentRiskStore(context);
    summaries = new DynamoRiskSummaryReader(context);
    deps = { ...riskControlDeps(context), profiles: { get: async () => profile } };
  });
  after(async () => table.stop());

  async function createPayment(merchantId: string, body: Omit<CreatePaymentBody, 'channel'>) {
    const full = { channel: 'sandbox' as const, ...body };
    const created = await payments.create({
      merchantId,
      idempotencyKey: `risk-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', full),
      body: full,
      now: new Date(),
    });
    return created.body as { id: string; amount: number; currency: string };
  }

  function capture(p: { id: string; amount: number; currency: string }) {
    return outcomes.applyPaymentOutcome({
      eventId: `evt_cap_${p.id}`,
      reference: p.id,
      to: 'succeeded',
      channelReference: `ch_${p.id}`,
      channel: 'sandbox',
      occurredAt: new Date().toISOString(),
      amount: p.amount,
      currency: p.currency,
      now: new Date(),
    });
  }

  /** The message as the publisher sends it: the payment as created (the create's answer) in the detail. */
  function message(detailType: 'PaymentCreated', merchantId: string, payment: { id: string }) {
    return JSON.stringify({
      version: '0',
      id: `eb-${payment.id}-${detailType}`,
      'detail-type': detailType,
      source: 'payments',
      time: new Date().toISOString(),
      detail: {
        eventId: `evt_${detailType}_${payment.id}`,
        occurredAt: new Date().toISOString(),
        merchantId,
        version: 1,
        data: { payment: { ...payment, unknownField: 'ignored' } },
      },
    });
  }

  async function item(paymentId: string) {
    const found = await riskPayments.getItem(paymentId);
    assert.ok(found, `payment ${paymentId}`);
    return found;
  }

  async function refundsOf(paymentId: string) {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)',
        ExpressionAttributeValues: marshall({ ':pk': `OBJ#${paymentId.slice(4)}`, ':r': 'REF#' }),
      }),
    );
    return (out.Items ?? []).map((i) => unmarshall(i));
  }

  async function counter(key: { PK: string; SK: string }) {
    const out = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: marshall(key), ConsistentRead: true }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  /** The payments an item counted in a bucket (and its history of a year, for a customer's item). */
  async function countedIn(key: { PK: string; SK: string }, window: number, createdAt: string) {
    const raw = await counter(key);
    const state = fromItem(raw);
    const at = new Date(createdAt);
    const inYear = state.history
      ? { at: state.history.year, n: state.history.byCurrency.USD?.n ?? [] }
      : undefined;
    const sumInYear = state.history
      ? { at: state.history.year, n: state.history.byCurrency.USD?.s ?? [] }
      : undefined;
    return {
      raw,
      bucket: state.window === window ? countIn(state.velocity, bucketOf(at, window).index) : 0,
      year: countIn(inYear, at.getUTCFullYear()),
      sum: countIn(sumInYear, at.getUTCFullYear()),
    };
  }

  it('counts a redelivered PaymentCreated once, even when deliveries race', async () => {
    // Prepare
    profile = DEFAULT_RISK_PROFILE;
    const merchant = 'm_dup';
    const customer = { id: 'cus_dup', email: 'dup@example.com', ip: '198.51.100.20', country: 'DE' };
    const p = await createPayment(merchant, { amount: 1_000, currency: 'USD', customer });
    const body = message('PaymentCreated', merchant, p);

    // Act: three racing deliveries, then a late one
    await Promise.all([1, 2, 3].map(() => handleRiskMessage(deps, body)));
    await handleRiskMessage(deps, body);

    // Assess
    const stored = await item(p.id);
    const window = profile.velocityWindowMinutes;
    for (const [dim, value] of [
      ['c', 'cus_dup'],
      ['e', 'dup@example.com'],
      ['i', '198.51.100.20'],
    ] as const) {
      const c = await countedIn(riskCounterKey(merchant, dim, value), window, stored.createdAt);
      assert.equal(c.bucket, 1, `velocity ${dim}`);
    }
    const history = await countedIn(riskCounterKey(merchant, 'c', 'cus_dup'), window, stored.createdAt);
    assert.equal(history.year, 1);
    assert.equal(history.sum, 1_000);
    assert.equal(stored.risk?.decision, 'approve');
    const summary = await summaries.get(merchant, utcDay(stored.createdAt));
    assert.equal(summary.assessed, 1);
    assert.equal(summary.approved, 1);
  });

  it('counts only what a crashed delivery left uncounted, item by item', async () => {
    // Prepare: a delivery that counted the customer's item, then died before the email's and IP's
    const merchant = 'm_half';
    const window = DEFAULT_RISK_PROFILE.velocityWindowMinutes;
    const payment = {
      id: 'pay_halfhalfhalfhalfhalfhalfha',
      merchantId: merchant,
      amount: 700,
      currency: 'USD',
      createdAt: new Date().toISOString(),
      customer: { id: 'cus_half', email: 'half@example.com', ip: '203.0.113.9' },
    };
    const now = new Date();
    const first = await deps.counters.countOnce({ ...payment, customer: { id: 'cus_half' } }, window, now);
    assert.equal(first.counted, true);

    // Act: the redelivery, then one more
    const redelivered = await deps.counters.countOnce(payment, window, now);
    const again = await deps.counters.countOnce(payment, window, now);

    // Assess
    assert.equal(redelivered.counted, true);
    assert.equal(again.counted, false);
    const counts = { customerCount: 1, emailCount: 1, ipCount: 1 };
    const none = { count: 0, sameCurrencyCount: 0, sameCurrencySum: 0 };
    assert.deepEqual(redelivered.signals, { ...counts, history: none });
    assert.deepEqual(again.signals, redelivered.signals, 'a redelivery reads what the count left');
    for (const [dim, value] of [
      ['c', 'cus_half'],
      ['e', 'half@example.com'],
      ['i', '203.0.113.9'],
    ] as const) {
      const c = await countedIn(riskCounterKey(merchant, dim, value), window, payment.createdAt);
      assert.equal(c.bucket, 1, `velocity ${dim}`);
    }
  });

  it('keeps a busy IP’s item small: it remembers its last payments and counts every one', async () => {
    // Prepare
    const merchant = 'm_busy';
    const window = DEFAULT_RISK_PROFILE.velocityWindowMinutes;
    const createdAt = new Date().toISOString();
    const payment = (i: number) => ({
      id: `pay_busy${String(i).padStart(22, '0')}`,
      merchantId: merchant,
      amount: 100,
      currency: 'USD',
      createdAt,
      customer: { ip: '192.0.2.77' },
    });
    const now = new Date();

    // Act
    for (let i = 0; i < DEDUPE_CAP + 5; i++) await deps.counters.countOnce(payment(i), window, now);
    const replayedRecent = await deps.counters.countOnce(payment(DEDUPE_CAP), window, now);

    // Assess
    assert.equal(replayedRecent.counted, false, 'a payment among the last DEDUPE_CAP is recognised');
    assert.equal(replayedRecent.signals.ipCount, DEDUPE_CAP + 5);
    const c = await countedIn(riskCounterKey(merchant, 'i', '192.0.2.77'), window, createdAt);
    assert.equal(c.bucket, DEDUPE_CAP + 5);
    assert.equal(String(c.raw?.ids).length, DEDUPE_CAP * 10);
    assert.ok(itemBytes(c.raw ?? {}) <= MAX_ITEM_BYTES, `${itemBytes(c.raw ?? {})} bytes`);
  });

  it('scores velocity: the customer’s 6th payment in the window carries customer_velocity', async () => {
    // Prepare
    profile = DEFAULT_RISK_PROFILE;
    const merchant = 'm_vel';
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = await createPayment(merchant, {
        amount: 500,
        currency: 'EUR',
        customer: { id: 'cus_fast', email: `fast+${i}@gmail.com`, ip: `192.0.2.${i}`, country: 'US' },
      });
      ids.push(p.id);
      // Act
      await handleRiskMessage(deps, message('PaymentCreated', merchant, p));
    }
    // Assess: email velocity counts the +tag variants as one address; IPs differ.
    assert.deepEqual((await item(ids[4] ?? '')).risk?.reasons, []);
    const sixth = await item(ids[5] ?? '');
    assert.deepEqual(sixth.risk?.reasons, ['customer_velocity', 'email_velocity']);
    assert.equal(sixth.risk?.score, 45);
  });

  it('rejects and cancels a payment still processing', async () => {
    // Prepare
    profile = REJECT_NEW_HIGH;
    const merchant = 'm_rej';
    const p = await createPayment(merchant, {
      amount: 200_000,
      currency: 'USD',
      customer: { id: 'cus_new' },
    });

    // Act
    await handleRiskMessage(deps, message('PaymentCreated', merchant, p));

    // Assess
    const stored = await item(p.id);
    assert.equal(stored.status, 'canceled');
    assert.equal(stored.reviewStatus, 'rejected');
    assert.equal(stored.risk?.decision, 'reject');
    assert.deepEqual(stored.risk?.reasons, ['new_customer_high_amount']);
    // The channel's late success cannot revive it.
    const late = await capture(p);
    assert.equal(late.kind, 'conflict');
    assert.equal((await item(p.id)).status, 'canceled');
    const summary = await summaries.get(merchant, utcDay(stored.createdAt));
    assert.equal(summary.rejected, 1);
    assert.deepEqual(summary.amounts.rejected, { USD: 200_000 });
    assert.deepEqual(summary.topReasons, [{ reason: 'new_customer_high_amount', count: 1 }]);
  });

  it('writes an approval planned while processing after the channel’s success, in one write', async () => {
    // Prepare: read as the consumer does, then the callback captures the payment.
    profile = DEFAULT_RISK_PROFILE;
    const p = await createPayment('m_approve_late', { amount: 1_000, currency: 'USD' });
    const planned = await item(p.id);
    assert.equal(planned.status, 'processing');
    await capture(p);
    const risk = {
      score: 5,
      decision: 'approve' as const,
      reasons: [],
      assessedAt: new Date().toISOString(),
    };

    // Act
    const write = await riskPayments.setRisk(planned, risk, { cancel: false }, new Date());

    // Assess: written at once on the succeeded payment; a second approval is refused (assessed once).
    assert.equal(write.kind, 'written');
    assert.equal(write.kind === 'written' && write.item.status, 'succeeded');
    assert.equal((await item(p.id)).risk?.decision, 'approve');
    const again = await riskPayments.setRisk(planned, risk, { cancel: false }, new Date());
    assert.equal(again.kind, 'stale');
  });

  it('re-plans a rejection planned while processing once the payment succeeded', async () => {
    // Prepare
    const p = await createPayment('m_reject_late', { amount: 1_000, currency: 'USD' });
    const planned = await item(p.id);
    await capture(p);
    const risk = {
      score: 95,
      decision: 'reject' as const,
      reasons: [],
      assessedAt: new Date().toISOString(),
    };

    // Act
    const write = await riskPayments.setRisk(
      planned,
      risk,
      { reviewStatus: 'rejected', cancel: true },
      new Date(),
    );

    // Assess: the cancel planned for `processing` is refused; the payment is as the capture left it.
    assert.equal(write.kind, 'stale');
    assert.equal(write.kind === 'stale' && write.current?.status, 'succeeded');
    assert.equal((await item(p.id)).risk, undefined);
  });

  it('refunds a rejected succeeded payment in full, once, whatever is redelivered', async () => {
    // Prepare
    profile = REJECT_NEW_HIGH;
    const merchant = 'm_auto';
    const p = await createPayment(merchant, { amount: 150_000, currency: 'USD', customer: { id: 'cus_x' } });
    await capture(p);

    // Act
    await handleRiskMessage(deps, message('PaymentCreated', merchant, p));
    await handleRiskMessage(deps, message('PaymentCreated', merchant, p));
    await handleRiskMessage(deps, message('PaymentCreated', merchant, p));

    // Assess
    const stored = await item(p.id);
    assert.equal(stored.status, 'succeeded');
    assert.equal(stored.reviewStatus, 'rejected');
    assert.equal(stored.amountRefunded, 150_000);
    const refunds = await refundsOf(p.id);
    assert.equal(refunds.length, 1);
    assert.equal(refunds[0]?.reason, 'risk_rejected');
    assert.equal(refunds[0]?.amount, 150_000);
  });

  it('holds a rejected succeeded payment for ops when the profile does not refund automatically', async () => {
    profile = { ...REJECT_NEW_HIGH, autoRefundOnReject: false };
    const merchant = 'm_noauto';
    const p = await createPayment(merchant, { amount: 150_000, currency: 'USD', customer: { id: 'cus_y' } });
    await capture(p);
    await handleRiskMessage(deps, message('PaymentCreated', merchant, p));
    const stored = await item(p.id);
    assert.equal(stored.reviewStatus, 'held');
    assert.equal(stored.amountRefunded, 0);
    // Ops reject: the full refund.
    const reviewed = await reviewPayment(riskPayments, p.id, 'reject');
    assert.equal(reviewed.item.reviewStatus, 'rejected');
    assert.equal(reviewed.refund?.status, 201);
    assert.equal((await refundsOf(p.id)).length, 1);
  });

  it('holds a payment scored for review until ops release it; the same decision replays', async () => {
    // Prepare
    profile = REVIEW_NEW_HIGH;
    const merchant = 'm_rev';
    const p = await createPayment(merchant, { amount: 120_000, currency: 'USD', customer: { id: 'cus_r' } });
    await handleRiskMessage(deps, message('PaymentCreated', merchant, p));
    assert.equal((await item(p.id)).reviewStatus, 'held');
    assert.equal((await item(p.id)).risk?.decision, 'review');
    await capture(p);
    await handleRiskMessage(deps, message('PaymentCreated', merchant, p));
    assert.equal((await item(p.id)).reviewStatus, 'held');

    // Act
    const first = await reviewPayment(riskPayments, p.id, 'release');
    const again = await reviewPayment(riskPayments, p.id, 'release');

    // Assess
    assert.equal(first.replayed, false);
    assert.equal(first.item.reviewStatus, 'released');
    assert.equal(first.item.status, 'succeeded');
    assert.equal(again.replayed, true);
    await assert.rejects(reviewPayment(riskPayments, p.id, 'reject'), PaymentNotInReviewError);
    assert.equal((await refundsOf(p.id)).length, 0);
  });

  it('lets ops reject a held processing payment (canceled) and refuses a payment never held', async () => {
    profile = REVIEW_NEW_HIGH;
    const merchant = 'm_rev2';
    const held = await createPayment(merchant, {
      amount: 120_000,
      currency: 'USD',
      customer: { id: 'cus_h' },
    });
    const clean = await createPayment(merchant, { amount: 100, currency: 'USD', customer: { id: 'cus_c' } });
    await handleRiskMessage(deps, message('PaymentCreated', merchant, held));
    await handleRiskMessage(deps, message('PaymentCreated', merchant, clean));

    const rejected = await reviewPayment(riskPayments, held.id, 'reject');
    assert.equal(rejected.item.status, 'canceled');
    assert.equal(rejected.item.reviewStatus, 'rejected');
    assert.equal((await reviewPayment(riskPayments, held.id, 'reject')).replayed, true);
    await assert.rejects(reviewPayment(riskPayments, clean.id, 'release'), PaymentNotInReviewError);
  });

  it('refuses a PaymentCreated without what the score reads: nothing counted or decided (it goes to the DLQ)', async () => {
    // Prepare: a payment, and an event of it that carries its id only (no producer of ours sends one)
    profile = DEFAULT_RISK_PROFILE;
    const merchant = 'm_thin';
    const p = await createPayment(merchant, { amount: 900, currency: 'USD', customer: { id: 'cus_thin' } });
    const { amount: _amount, ...withoutAmount } = p as { id: string; amount: number };
    const { customer: _customer, ...withoutCustomer } = p as { id: string; customer?: unknown };

    // Act / Assess: refused as invalid, so SQS retries it into the DLQ; nothing is counted or decided
    for (const thin of [{ id: p.id, merchantId: merchant }, withoutAmount, withoutCustomer])
      await assert.rejects(
        handleRiskMessage(deps, message('PaymentCreated', merchant, thin)),
        InvalidEventError,
      );
    assert.equal((await item(p.id)).risk, undefined);
    const customer = await counter(riskCounterKey(merchant, 'c', 'cus_thin'));
    assert.equal(customer, undefined, 'nothing counted');
  });

  it('fails a message that is not a risk event (it goes to the DLQ after retries)', async () => {
    await assert.rejects(
      handleRiskMessage(deps, JSON.stringify({ 'detail-type': 'RefundCreated', detail: {} })),
    );
  });

  it('stores a fraud report once per Idempotency-Key and refuses the key for another body', async () => {
    // The replay reads the stored report from the refused write itself: risk may not read OBJ# items.
    const sent: string[] = [];
    const client = {
      send: (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return table.client.send(command as never);
      },
    } as unknown as typeof table.client;
    const reports = new DynamoFraudReportStore({ client, tableName: table.tableName });
    const p = await createPayment('m_fr', { amount: 100, currency: 'USD' });
    const input = {
      merchantId: 'm_fr',
      paymentId: p.id,
      reason: 'chargeback',
      idempotencyKey: 'fr-1',
      requestFingerprint: requestFingerprint('POST', `/v1/payments/${p.id}/fraud-reports`, {
        reason: 'chargeback',
      }),
      now: new Date(),
    };
    const first = await reports.create(input);
    const replay = await reports.create(input);
    assert.equal(first.replayed, false);
    assert.match(first.report.id, /^fr_/);
    assert.deepEqual(replay, { report: first.report, replayed: true });
    await assert.rejects(
      reports.create({ ...input, requestFingerprint: 'other' }),
      IdempotencyKeyReusedError,
    );
    assert.deepEqual([...new Set(sent)], ['TransactWriteItemsCommand'], 'no read of the slot');
  });
});
