import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Payment } from '../../shared/schemas/payment.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import { IdempotencyKeyReusedError } from '../../shared/store/errors.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

describe('refunds and channel outcomes on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let refunds: DynamoRefundStore;
  let outcomes: DynamoChannelOutcomeStore;
  let n = 0;

  before(async () => {
    table = await startTestTable();
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    refunds = new DynamoRefundStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
  });
  after(async () => table.stop());

  async function payment(merchantId: string, amount: number, succeed = true) {
    const body = { amount, currency: 'USD', channel: 'sandbox' as const };
    const created = await payments.create({
      merchantId,
      idempotencyKey: `pay-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(),
    });
    if (succeed) await capture((created.body as Payment).id, amount, `evt_cap_${n}`);
    return (created.body as Payment).id;
  }

  function capture(
    reference: string,
    amount: number,
    eventId: string,
    to: 'succeeded' | 'failed' = 'succeeded',
  ) {
    const now = new Date();
    const o = { eventId, reference, to, channel: 'sandbox', channelReference: 'ch', amount, currency: 'USD' };
    return outcomes.applyPaymentOutcome({ ...o, occurredAt: now.toISOString(), now });
  }

  function refund(merchantId: string, paymentId: string, key: string, amount?: number) {
    const body = amount === undefined ? {} : { amount };
    return refunds.create({
      merchantId,
      paymentId,
      idempotencyKey: key,
      requestFingerprint: requestFingerprint('POST', `/v1/payments/${paymentId}/refunds`, body),
      amount,
      now: new Date(),
    });
  }

  async function refundItems(paymentId: string) {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)',
        ExpressionAttributeValues: { ':pk': { S: `OBJ#${paymentId.slice(4)}` }, ':r': { S: 'REF#' } },
      }),
    );
    return (out.Items ?? []).map((i) => unmarshall(i));
  }

  it('never refunds more than the amount under 20 concurrent refunds', async () => {
    // Prepare
    const id = await payment('m_r', 1000);
    // Act: 20 × 300 against 1000
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refund('m_r', id, `race-${i}`, 300)),
    );
    // Assess
    const created = answers.filter((a) => a.status === 201);
    assert.equal(created.length, 3);
    assert.ok(answers.every((a) => a.status === 201 || a.status === 422 || a.status === 409));
    const stored = await payments.get('m_r', id);
    const items = await refundItems(id);
    assert.equal(stored.amountRefunded, 900);
    assert.equal(
      items.reduce((s, r) => s + (r.amount as number), 0),
      900,
    );
    assert.equal(items.length, 3);
  });

  it("carries on the refund item what its submission needs: the payment's amount, channel id and test hint", async () => {
    // Prepare
    const body = {
      amount: 900,
      currency: 'USD',
      channel: 'sandbox' as const,
      metadata: { sandbox_outcome: 'succeed', sandbox_outcome_sandbox: 'none' },
    };
    const created = await payments.create({
      merchantId: 'm_r',
      idempotencyKey: `pay-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(),
    });
    const id = (created.body as Payment).id;
    await capture(id, 900, `evt_cap_${n}`);
    // Act
    await refund('m_r', id, 'needs', 100);
    // Assess
    const [item] = await refundItems(id);
    assert.equal(item?.paymentAmount, 900);
    assert.equal(item?.paymentChannelReference, 'ch');
    assert.equal(item?.sandboxOutcome, 'none');
  });

  it('refunds all that remains by default, replays it, and refuses more with a stored 422', async () => {
    // Prepare
    const id = await payment('m_r', 500);
    await refund('m_r', id, 'part', 200);
    // Act
    const rest = await refund('m_r', id, 'rest');
    const replay = await refund('m_r', id, 'rest');
    const more = await refund('m_r', id, 'more', 1);
    const moreAgain = await refund('m_r', id, 'more', 1);
    // Assess
    assert.equal(rest.status, 201);
    assert.equal((rest.body as { amount: number }).amount, 300);
    assert.deepEqual(replay, { ...rest, replayed: true });
    assert.equal(more.status, 422);
    assert.deepEqual(moreAgain, { ...more, replayed: true });
    await assert.rejects(refund('m_r', id, 'more', 2), IdempotencyKeyReusedError);
  });

  it('answers 409 for a payment that has not succeeded and 404 for another merchant', async () => {
    // Prepare
    const processing = await payment('m_r', 700, false);
    // Act
    const notYet = await refund('m_r', processing, 'early');
    const foreign = await refund('m_intruder', processing, 'steal');
    // Assess
    assert.equal(notYet.status, 409);
    assert.equal(foreign.status, 404);
    assert.deepEqual((await payments.get('m_r', processing)).amountRefunded, 0);
    assert.deepEqual(await refunds.list('m_r', processing), []);
  });

  it('releases a failed refund amount and ignores a duplicate failure', async () => {
    // Prepare
    const id = await payment('m_r', 800);
    const created = await refund('m_r', id, 'to-fail', 800);
    const refundId = (created.body as { id: string }).id;
    const report = {
      reference: refundId,
      channelReference: 'ch_r',
      channel: 'sandbox',
      occurredAt: new Date().toISOString(),
      amount: 800,
      currency: 'USD',
      now: new Date(),
    };
    // Act
    const failed = await outcomes.applyRefundOutcome({ ...report, eventId: 'evt_rf', to: 'failed' });
    const duplicate = await outcomes.applyRefundOutcome({ ...report, eventId: 'evt_rf', to: 'failed' });
    const late = await outcomes.applyRefundOutcome({ ...report, eventId: 'evt_rs', to: 'succeeded' });
    // Assess
    assert.equal(failed.kind, 'applied');
    assert.equal(duplicate.kind, 'already_applied');
    assert.equal(late.kind, 'conflict');
    assert.equal((await payments.get('m_r', id)).amountRefunded, 0);
    assert.equal((await refunds.list('m_r', id))[0]?.status, 'failed');
    assert.equal((await refund('m_r', id, 'again', 800)).status, 201);
  });

  it('applies a payment outcome once and records out-of-order contradictions', async () => {
    // Prepare
    const id = await payment('m_o', 1200, false);
    // Act
    const first = await capture(id, 1200, 'evt_a');
    const duplicate = await capture(id, 1200, 'evt_a');
    const contradicting = await capture(id, 1200, 'evt_b', 'failed');
    // Assess
    assert.equal(first.kind, 'applied');
    assert.equal(duplicate.kind, 'already_applied');
    assert.equal(contradicting.kind, 'conflict');
    assert.equal((await payments.get('m_o', id)).status, 'succeeded');
  });

  it('records an amount mismatch and does not mark the payment succeeded', async () => {
    // Prepare
    const id = await payment('m_o', 1300, false);
    // Act
    const result = await capture(id, 999, 'evt_mm');
    const again = await capture(id, 999, 'evt_mm');
    // Assess
    assert.deepEqual(result, { kind: 'mismatch', fields: ['amount'] });
    assert.equal(again.kind, 'mismatch');
    assert.equal((await payments.get('m_o', id)).status, 'processing');
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
        ExpressionAttributeValues: { ':pk': { S: `OBJ#${id.slice(4)}` }, ':m': { S: 'MISMATCH#' } },
      }),
    );
    assert.equal(out.Items?.length, 1);
    assert.deepEqual(unmarshall(out.Items?.[0] ?? {}).reported, { amount: 999, currency: 'USD' });
  });

  it('treats a reference that is not ours as unknown', async () => {
    // Act
    const payment = await capture('pay_aaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 'evt_u');
    const refundResult = await outcomes.applyRefundOutcome({
      eventId: 'evt_u2',
      reference: 're_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      to: 'succeeded',
      channelReference: 'x',
      channel: 'sandbox',
      occurredAt: new Date().toISOString(),
      amount: 1,
      currency: 'USD',
      now: new Date(),
    });
    // Assess
    assert.equal(payment.kind, 'unknown_reference');
    assert.equal(refundResult.kind, 'unknown_reference');
  });
});
