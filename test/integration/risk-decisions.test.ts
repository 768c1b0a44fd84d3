/**
 * Core's `apply-risk-decisions` function on DynamoDB Local (functions/internal/apply-risk-decisions.ts):
 * the handler as Lambda runs it, with JSON payloads of the contract (shared/risk/apply-decisions.ts).
 * Assessments and their effects written once, re-planned when the payment moved, the owed refund created
 * once, ops reviews, and what each payment's answer tells risk; and the risk consumer scoring a batch from
 * its events' payments with one call to core.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { processBatch, riskControlDeps } from '../../functions/events/risk.js';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import { timelineOf } from '../../shared/events/timeline.js';
import type {
  ApplyRiskDecisionsAnswer,
  RiskDecisionAnswer,
  RiskDecisionInput,
} from '../../shared/risk/apply-decisions.js';
import type { CreatePaymentBody } from '../../shared/schemas/payment.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentRiskStore } from '../../shared/store/dynamodb/payment-risk.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

type Handler = (event: unknown) => Promise<ApplyRiskDecisionsAnswer>;

describe('apply-risk-decisions on DynamoDB Local', () => {
  let table: TestTable;
  let handler: Handler;
  let payments: DynamoPaymentStore;
  let outcomes: DynamoChannelOutcomeStore;
  let risk: DynamoPaymentRiskStore;
  let n = 0;

  before(async () => {
    table = await startTestTable();
    setDynamoDbClient(table.client);
    process.env.TABLE_NAME = table.tableName;
    handler = (await import('../../functions/internal/apply-risk-decisions.js')).handler;
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
    risk = new DynamoPaymentRiskStore(context);
  });
  after(async () => {
    setDynamoDbClient(undefined);
    await table.stop();
  });

  /** The handler called as Lambda calls it: a JSON payload, a JSON answer. */
  async function apply(decisions: RiskDecisionInput[]): Promise<RiskDecisionAnswer[]> {
    const answer = await handler(JSON.parse(JSON.stringify({ decisions })));
    return (JSON.parse(JSON.stringify(answer)) as ApplyRiskDecisionsAnswer).answers;
  }

  async function createPayment(merchantId: string, amount = 150_000) {
    const body: CreatePaymentBody = {
      amount,
      currency: 'USD',
      channel: 'sandbox',
      customer: { id: 'cus_1' },
    };
    const created = await payments.create({
      merchantId,
      idempotencyKey: `decisions-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(),
    });
    return created.body as { id: string; amount: number; currency: string; createdAt: string };
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

  const scored = (
    paymentId: string,
    decision: 'approve' | 'review' | 'reject',
    options: { status?: 'processing' | 'succeeded'; autoRefundOnReject?: boolean } = {},
  ): RiskDecisionInput => ({
    kind: 'assessment',
    paymentId,
    risk: {
      score: { approve: 5, review: 70, reject: 95 }[decision],
      decision,
      reasons: [],
      assessedAt: new Date().toISOString(),
    },
    status: options.status ?? 'processing',
    autoRefundOnReject: options.autoRefundOnReject ?? true,
  });

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

  it('writes a batch of assessments, each once, and answers what risk keeps of each', async () => {
    // Prepare
    const held = await createPayment('m_batch');
    const canceled = await createPayment('m_batch');
    const approved = await createPayment('m_batch', 100);

    // Act: one batch, with a duplicate (a message delivered twice in the batch) and an unknown payment
    const answers = await apply([
      scored(held.id, 'review'),
      scored(canceled.id, 'reject'),
      scored(approved.id, 'approve'),
      scored(held.id, 'review'),
      scored('pay_zzzzzzzzzzzzzzzzzzzzzzzzzz', 'approve'),
    ]);

    // Assess: in order; the duplicate is written once
    assert.deepEqual(
      answers.map((a) => [a.paymentId, a.outcome, a.reviewStatus]),
      [
        [held.id, answers[0]?.outcome, 'held'],
        [canceled.id, 'written', 'rejected'],
        [approved.id, 'written', undefined],
        [held.id, answers[3]?.outcome, 'held'],
        ['pay_zzzzzzzzzzzzzzzzzzzzzzzzzz', 'unknown_payment', undefined],
      ],
    );
    assert.deepEqual([answers[0]?.outcome, answers[3]?.outcome].sort(), ['already_assessed', 'written']);
    assert.equal(answers[0]?.merchantId, 'm_batch');
    assert.equal(answers[0]?.createdAt, held.createdAt);
    assert.equal((await risk.getItem(held.id))?.reviewStatus, 'held');
    const cancel = await risk.getItem(canceled.id);
    assert.equal(cancel?.status, 'canceled');
    assert.equal(cancel?.risk?.decision, 'reject');
    assert.equal((await risk.getItem(approved.id))?.risk?.decision, 'approve');
  });

  it('dates an assessment by its write, so a payment that succeeded between scoring and writing is rebuilt without it', async () => {
    // Prepare: scored while processing, then the channel's success lands before core writes the score
    const p = await createPayment('m_stamp', 100);
    const decision = scored(p.id, 'approve');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await capture(p);
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Act
    const [answer] = await apply([decision]);

    // Assess: stamped with the write's own time, after the outcome
    assert.equal(answer?.outcome, 'written');
    const item = await risk.getItem(p.id);
    assert.ok(item?.risk && item.GSI2SK);
    assert.equal(item.risk.assessedAt, item.updatedAt);
    const capturedAt = item.GSI2SK.slice(0, item.GSI2SK.indexOf('#'));
    assert.ok(item.risk.assessedAt > capturedAt, `${item.risk.assessedAt} after ${capturedAt}`);
    // The ops timeline tells it as the stream did: succeeded without risk, then RiskAssessed at the write
    const events = timelineOf(item, []);
    assert.deepEqual(
      events.map((e) => e.detailType),
      ['PaymentCreated', 'PaymentSucceeded', 'RiskAssessed'],
    );
    const succeeded = events[1]?.detail.data as { payment: { risk?: unknown } };
    assert.equal(succeeded.payment.risk, undefined);
    assert.equal(events[2]?.detail.occurredAt, item.updatedAt);
  });

  it('re-plans a rejection taken on a processing payment that succeeded meanwhile: refunded once', async () => {
    // Prepare
    const p = await createPayment('m_late');
    await capture(p);

    // Act: planned for `processing` (a cancel), then redelivered twice
    const [first] = await apply([scored(p.id, 'reject')]);
    const [again] = await apply([scored(p.id, 'reject')]);
    const [redelivered] = await apply([scored(p.id, 'reject', { status: 'succeeded' })]);

    // Assess
    assert.equal(first?.outcome, 'written');
    assert.equal(first?.reviewStatus, 'rejected');
    assert.equal(first?.refundStatus, 201);
    assert.equal(again?.outcome, 'already_assessed');
    assert.equal(again?.refundStatus, 201, 'the stored answer replayed');
    assert.equal(redelivered?.outcome, 'already_assessed');
    const item = await risk.getItem(p.id);
    assert.equal(item?.status, 'succeeded');
    assert.equal(item?.amountRefunded, 150_000);
    assert.equal((await refundsOf(p.id)).length, 1);
  });

  it('holds a rejected succeeded payment for ops when the profile does not refund automatically', async () => {
    const p = await createPayment('m_noauto');
    await capture(p);
    const [answer] = await apply([
      scored(p.id, 'reject', { status: 'succeeded', autoRefundOnReject: false }),
    ]);
    assert.equal(answer?.outcome, 'written');
    assert.equal(answer?.reviewStatus, 'held');
    assert.equal(answer?.refundStatus, undefined);
    assert.equal((await refundsOf(p.id)).length, 0);
  });

  it('applies ops reviews: reject refunds a succeeded payment once, the same decision replays, the other is refused', async () => {
    // Prepare: a held payment that succeeded, one never held
    const p = await createPayment('m_review');
    await apply([scored(p.id, 'review')]);
    await capture(p);
    const clean = await createPayment('m_review', 100);
    await apply([scored(clean.id, 'approve')]);

    // Act
    const [rejected] = await apply([{ kind: 'review', paymentId: p.id, decision: 'reject' }]);
    const [replayed] = await apply([{ kind: 'review', paymentId: p.id, decision: 'reject' }]);
    const [other, never, unknown] = await apply([
      { kind: 'review', paymentId: p.id, decision: 'release' },
      { kind: 'review', paymentId: clean.id, decision: 'release' },
      { kind: 'review', paymentId: 'pay_yyyyyyyyyyyyyyyyyyyyyyyyyy', decision: 'release' },
    ]);

    // Assess
    assert.equal(rejected?.outcome, 'reviewed');
    assert.equal(rejected?.reviewStatus, 'rejected');
    assert.equal(rejected?.refundStatus, 201);
    assert.equal(rejected?.payment?.id, p.id);
    assert.equal(rejected?.payment?.status, 'succeeded');
    // The payment as the review wrote it (the route's answer); the refund follows in the same call.
    assert.equal(rejected?.payment?.amountRefunded, 0);
    assert.equal((await risk.getItem(p.id))?.amountRefunded, 150_000);
    assert.equal(replayed?.outcome, 'replayed');
    assert.equal(replayed?.refundStatus, 201);
    assert.equal(replayed?.payment?.amountRefunded, 150_000);
    assert.deepEqual([other?.outcome, other?.reviewStatus], ['not_in_review', 'rejected']);
    assert.deepEqual([never?.outcome, never?.reviewStatus], ['not_in_review', undefined]);
    assert.equal(unknown?.outcome, 'unknown_payment');
    assert.equal((await refundsOf(p.id)).length, 1);
  });

  it('refuses a payload that is not the contract’s, before any write', async () => {
    const p = await createPayment('m_bad', 100);
    await assert.rejects(handler({ decisions: [{ ...scored(p.id, 'approve'), status: 'refunded' }] }));
    await assert.rejects(handler({ decisions: [] }));
    assert.equal((await risk.getItem(p.id))?.risk, undefined);
  });

  it('scores a batch from the payments its events carry, without reading them, in one call to core', async () => {
    // Prepare: PaymentCreated events as the publisher sends them (the whole payment in the detail)
    const created = [await createPayment('m_events'), await createPayment('m_events', 100)];
    const reads: string[] = [];
    const deps = riskControlDeps({
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation) => reads.push(operation),
    });
    let calls = 0;
    const counted = {
      ...deps,
      decisions: (ds: readonly RiskDecisionInput[]) => {
        calls += 1;
        return deps.decisions(ds);
      },
    };
    const event = {
      Records: created.map((p, i) => ({
        messageId: `msg-${i}`,
        body: JSON.stringify({
          version: '0',
          id: `eb-${p.id}`,
          'detail-type': 'PaymentCreated',
          source: 'payments',
          time: new Date().toISOString(),
          detail: {
            eventId: `evt_${p.id}`,
            occurredAt: new Date().toISOString(),
            merchantId: 'm_events',
            version: 1,
            data: { payment: { ...p, customer: { id: 'cus_1' }, metadata: {} } },
          },
        }),
      })),
    } as unknown as SQSEvent;

    // Act
    const response = await processBatch(event, undefined, counted);

    // Assess
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal(calls, 1, 'one call to core for the batch');
    assert.ok(!reads.includes('risk.getPayment'), `risk read no payment: ${reads.join(', ')}`);
    for (const p of created) assert.ok((await risk.getItem(p.id))?.risk, p.id);
  });
});
