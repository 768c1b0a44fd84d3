/**
 * Core's `object-states` function on DynamoDB Local, asked as the channels ask it (through the Lambda
 * Invoke API, batchStates): where each payment and refund stands (a payment failed over, one failed, a
 * refund pending then failed, objects that do not exist), in one invocation for the batch, with the
 * answered fields only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import { batchStates } from '../../shared/channels/object-states.js';
import {
  invokeObjectStates,
  type ObjectStatesAnswer,
  objectStatesAnswerSchema,
} from '../../shared/internal/object-states.js';
import type { Payment } from '../../shared/schemas/payment.js';
import type { Refund } from '../../shared/schemas/refund.js';
import { DynamoDispatchStore } from '../../shared/store/dynamodb/channel-dispatch.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import type { TableContext } from '../../shared/store/dynamodb/table.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';
import { type FunctionStub, startFunctionStub } from '../support/function-stub.js';

let table: TestTable;
let stub: FunctionStub;
let context: TableContext;
let handler: (event: unknown) => Promise<ObjectStatesAnswer>;
let n = 0;

before(async () => {
  table = await startTestTable('payments-object-states');
  context = { client: table.client, tableName: table.tableName };
  // The function's own client (shared/aws/dynamodb.ts), on DynamoDB Local.
  setDynamoDbClient(table.client);
  process.env.TABLE_NAME = table.tableName;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../functions/internal/object-states.js'));
  stub = await startFunctionStub('ObjectStates', (event) => handler(event));
});
after(async () => {
  setDynamoDbClient(undefined);
  await stub?.close();
  await table?.stop();
});

async function createPayment(channel: 'sandbox' | 'stripe' = 'sandbox', amount = 1_000): Promise<Payment> {
  const body = { amount, currency: 'USD', channel };
  const created = await new DynamoPaymentStore(context).create({
    merchantId: 'm_os',
    idempotencyKey: `object-states-${++n}`,
    requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
    body,
    now: new Date(),
  });
  return created.body as Payment;
}

async function succeed(p: Payment): Promise<void> {
  const now = new Date();
  await new DynamoChannelOutcomeStore(context).applyPaymentOutcome({
    channel: 'sandbox',
    eventId: `evt_${p.id}`,
    reference: p.id,
    to: 'succeeded',
    channelReference: 'sbx_1',
    amount: p.amount,
    currency: 'USD',
    occurredAt: now.toISOString(),
    now,
  });
}

describe('object-states (core) on DynamoDB Local', () => {
  it("answers where each object of a batch stands, in one invocation, from core's items", async () => {
    // Prepare: a payment failed over from the sandbox to Stripe, one failed, one succeeded with a refund
    // pending and another refused by its channel.
    const moves = new DynamoDispatchStore(context);
    const movedOn = await createPayment();
    assert.ok(await moves.failOver({ paymentId: movedOn.id, from: 'sandbox', to: 'stripe', at: new Date() }));
    const failed = await createPayment('stripe');
    assert.ok(
      await moves.failPayment({
        paymentId: failed.id,
        channel: 'stripe',
        failureCode: 'declined',
        attempt: 'declined',
        at: new Date(),
      }),
    );
    const paid = await createPayment('sandbox', 2_000);
    await succeed(paid);
    const refunds = new DynamoRefundStore(context);
    const refund = async (amount: number) => {
      const body = { amount };
      const created = await refunds.create({
        merchantId: 'm_os',
        paymentId: paid.id,
        idempotencyKey: `object-states-${++n}`,
        requestFingerprint: requestFingerprint('POST', `/v1/payments/${paid.id}/refunds`, body),
        amount,
        now: new Date(),
      });
      return created.body as Refund;
    };
    const pending = await refund(300);
    const refused = await refund(500);
    assert.ok(
      await moves.failRefund({
        refundId: refused.id,
        paymentId: paid.id,
        channel: 'sandbox',
        amount: 500,
        at: new Date(),
      }),
    );
    const missing = `pay_${'z'.repeat(26)}`;
    stub.received.length = 0;

    // Act: the channels' side, as the dispatcher and the checks use it.
    const reads = batchStates(
      invokeObjectStates(stub.arn),
      [
        { kind: 'payment', id: movedOn.id },
        { kind: 'payment', id: failed.id },
        { kind: 'payment', id: paid.id },
        { kind: 'refund', id: pending.id, paymentId: paid.id },
        { kind: 'refund', id: refused.id, paymentId: paid.id },
        { kind: 'payment', id: missing },
        // A refund id under another payment's slot is no refund of that payment.
        { kind: 'refund', id: pending.id, paymentId: failed.id },
      ],
      true,
    );
    const states = await Promise.all([
      reads.readPayment(movedOn.id),
      reads.readPayment(failed.id),
      reads.readPayment(paid.id),
      reads.readRefund(pending.id, paid.id),
      reads.readRefund(refused.id, paid.id),
      reads.readPayment(missing),
      reads.readRefund(pending.id, failed.id),
    ]);

    // Assess
    assert.deepEqual(states, [
      { status: 'processing', channel: 'stripe', left: ['sandbox'] },
      { status: 'failed', channel: 'stripe', left: [] },
      { status: 'succeeded', channel: 'sandbox', left: [] },
      { status: 'pending', channel: 'sandbox', amount: 300 },
      { status: 'failed', channel: 'sandbox', amount: 500 },
      undefined,
      undefined,
    ]);
    assert.equal(stub.received.length, 1, 'one invocation for the batch');
  });

  it('answers a payment as the guarded moves leave it, the channels it left in order', async () => {
    const p = await createPayment('stripe');
    const moves = new DynamoDispatchStore(context);
    const ask = () => handler({ objects: [{ kind: 'payment', id: p.id }], consistent: true });
    assert.deepEqual(await ask(), { states: [{ status: 'processing', channel: 'stripe', left: [] }] });
    await moves.failOver({ paymentId: p.id, from: 'stripe', to: 'sandbox', at: new Date() });
    await moves.failOver({ paymentId: p.id, from: 'sandbox', to: 'alipay', at: new Date() });
    const answer = z.parse(objectStatesAnswerSchema, await ask());
    assert.deepEqual(answer, {
      states: [{ status: 'processing', channel: 'alipay', left: ['stripe', 'sandbox'] }],
    });
  });

  it('answers the same object asked twice in one request twice (BatchGetItem takes each key once)', async () => {
    const p = await createPayment();
    const answer = await handler({
      objects: [
        { kind: 'payment', id: p.id },
        { kind: 'payment', id: p.id },
      ],
      consistent: false,
    });
    assert.deepEqual(answer.states, [
      { status: 'processing', channel: 'sandbox', left: [] },
      { status: 'processing', channel: 'sandbox', left: [] },
    ]);
  });

  it('refuses a request over 100 objects before reading anything', async () => {
    const objects = Array.from({ length: 101 }, () => ({ kind: 'payment', id: `pay_${'a'.repeat(26)}` }));
    await assert.rejects(handler({ objects, consistent: true }), { name: 'InvalidPayloadError' });
  });
});
