/**
 * Core's channel outcomes function (functions/internal/apply-channel-outcomes.ts) on DynamoDB Local: a
 * batch in, one result per operation out, each exactly what the store answers in-process, and the items
 * as the callback, the dispatcher and the checks always left them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import type { ApplyOp, ApplyOutcomesAnswer } from '../../shared/channels/apply-outcomes.js';
import type { Payment } from '../../shared/schemas/payment.js';
import type { Refund } from '../../shared/schemas/refund.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

describe('core applies channel outcomes on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let refunds: DynamoRefundStore;
  let handler: (event: unknown) => Promise<ApplyOutcomesAnswer>;
  let n = 0;

  before(async () => {
    table = await startTestTable();
    setDynamoDbClient(table.client);
    process.env.TABLE_NAME = table.tableName;
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    refunds = new DynamoRefundStore(context);
    ({ handler } = await import('../../functions/internal/apply-channel-outcomes.js'));
  });
  after(async () => {
    setDynamoDbClient(undefined);
    await table.stop();
  });

  async function payment(amount = 1_000): Promise<string> {
    const body = { amount, currency: 'USD', channel: 'sandbox' as const };
    const created = await payments.create({
      merchantId: 'm_apply',
      idempotencyKey: `pay-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(),
    });
    return (created.body as Payment).id;
  }

  async function refund(paymentId: string, amount: number): Promise<string> {
    const created = await refunds.create({
      merchantId: 'm_apply',
      paymentId,
      idempotencyKey: `re-${++n}`,
      requestFingerprint: requestFingerprint('POST', `/v1/payments/${paymentId}/refunds`, { amount }),
      amount,
      now: new Date(),
    });
    return (created.body as Refund).id;
  }

  const outcome = (subject: 'payment' | 'refund', reference: string, fields: Partial<ApplyOp> = {}) =>
    ({
      op: 'outcome',
      subject,
      channel: 'sandbox',
      eventId: `evt_${++n}`,
      reference,
      to: 'succeeded',
      channelReference: `sbx_${n}`,
      amount: 1_000,
      currency: 'USD',
      occurredAt: '2030-01-02T03:04:05.000Z',
      now: new Date().toISOString(),
      ...fields,
    }) as ApplyOp;

  async function item(key: { PK: string; SK: string }) {
    const out = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: marshall(key), ConsistentRead: true }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }
  const paymentItem = (id: string) => item(keys.object(id.slice(4)));

  it('answers each outcome of a batch as the store does, in order', async () => {
    // Prepare
    const [applied, duplicate, contradicted, mismatched] = await Promise.all([
      payment(),
      payment(),
      payment(),
      payment(),
    ]);
    const first = outcome('payment', duplicate as string);
    await handler({ ops: [first] });
    await handler({ ops: [outcome('payment', contradicted as string, { to: 'failed' })] });
    // Act
    const { results } = await handler({
      ops: [
        outcome('payment', applied as string),
        first,
        outcome('payment', contradicted as string),
        outcome('payment', mismatched as string, { amount: 999 }),
        outcome('payment', `pay_${'z'.repeat(26)}`),
      ],
    });
    // Assess
    assert.deepEqual(results, [
      { kind: 'applied' },
      { kind: 'already_applied' },
      { kind: 'conflict', status: 'failed' },
      { kind: 'mismatch', fields: ['amount'] },
      { kind: 'unknown_reference' },
    ]);
    const stored = await paymentItem(applied as string);
    assert.equal(stored?.status, 'succeeded');
    // Its own outcome record: the channel-day (GSI3) and a settlement line item (GSI2SK), in the same write.
    assert.match(String(stored?.GSI3PK), /^RECON#sandbox#2030-01-02#/);
    assert.match(String(stored?.GSI2SK), /#payment#/);
    assert.equal((await paymentItem(mismatched as string))?.status, 'processing');
  });

  it('fails a payment, fails over another, and answers stale where it already moved', async () => {
    // Prepare
    const [declined, moved] = await Promise.all([payment(), payment()]);
    const at = new Date().toISOString();
    // Act
    const { results } = await handler({
      ops: [
        {
          op: 'failPayment',
          paymentId: declined,
          channel: 'sandbox',
          failureCode: 'declined',
          attempt: 'declined',
          at,
        },
        { op: 'failOver', paymentId: moved, from: 'sandbox', to: 'stripe', at },
      ],
    });
    const again = await handler({
      ops: [{ op: 'failOver', paymentId: moved as string, from: 'sandbox', to: 'stripe', at }],
    });
    // Assess
    assert.deepEqual(results, [{ kind: 'applied' }, { kind: 'applied' }]);
    assert.deepEqual(again.results, [{ kind: 'stale' }]);
    const failed = await paymentItem(declined as string);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.failureCode, 'declined');
    assert.equal((await paymentItem(moved as string))?.channel, 'stripe');
  });

  it('applies a refund outcome from a cumulative notify, and releases a refund the channel refused', async () => {
    // Prepare: a captured payment with two refunds.
    const paymentId = await payment();
    await handler({ ops: [outcome('payment', paymentId)] });
    const first = await refund(paymentId, 300);
    const second = await refund(paymentId, 200);
    // Act: the channel's notify of the first states the trade's refunds so far (300), as Alipay's do.
    const { results } = await handler({
      ops: [
        outcome('refund', first, { amount: 300, cumulativeRefunded: 300 }),
        {
          op: 'failRefund',
          refundId: second,
          paymentId,
          channel: 'sandbox',
          amount: 200,
          at: new Date().toISOString(),
        },
      ],
    });
    // Assess
    assert.deepEqual(results, [{ kind: 'applied' }, { kind: 'applied' }]);
    assert.equal((await item(keys.refund(paymentId.slice(4), first)))?.status, 'succeeded');
    assert.equal((await item(keys.refund(paymentId.slice(4), second)))?.status, 'failed');
    const stored = await paymentItem(paymentId);
    assert.equal(stored?.amountRefunded, 300);
  });

  it('gives the same answers as the store in-process (the function changes nothing but who writes)', async () => {
    // Prepare
    const [viaFunction, inProcess] = await Promise.all([payment(), payment()]);
    const store = new DynamoChannelOutcomeStore({ client: table.client, tableName: table.tableName });
    const o = (reference: string) => outcome('payment', reference, { amount: 1_001 });
    // Act
    const { results } = await handler({ ops: [o(viaFunction)] });
    const { op: _, subject: __, now, ...direct } = o(inProcess) as Extract<ApplyOp, { op: 'outcome' }>;
    const expected = await store.applyPaymentOutcome({ ...direct, now: new Date(now) });
    // Assess
    assert.deepEqual(results, [expected]);
  });

  it('refuses a payload that is not the contract (the caller has a bug)', async () => {
    await assert.rejects(handler({ ops: [{ op: 'outcome', reference: 'pay_x' }] }));
    await assert.rejects(handler({ ops: [] }));
  });
});
