import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { Payment } from '../../shared/schemas/payment.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentLists } from '../../shared/store/dynamodb/payment-lists.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import {
  IdempotencyKeyReusedError,
  InvalidCursorError,
  ObjectNotFoundError,
} from '../../shared/store/errors.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const body = { amount: 1050, currency: 'USD', channel: 'sandbox' as const, metadata: { order: 'o_1' } };
const fp = (b: unknown) => requestFingerprint('POST', '/v1/payments', b);

describe('payment store on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let lists: DynamoPaymentLists;
  let outcomes: DynamoChannelOutcomeStore;
  const capacity: Array<{ operation: string; capacity: readonly ConsumedCapacity[] }> = [];

  before(async () => {
    table = await startTestTable();
    const context = {
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation: string, c: readonly ConsumedCapacity[]) =>
        capacity.push({ operation, capacity: c }),
    };
    payments = new DynamoPaymentStore(context);
    lists = new DynamoPaymentLists(context);
    outcomes = new DynamoChannelOutcomeStore(context);
  });
  after(async () => table.stop());

  it('creates once, replays the first answer, and refuses the key for another body', async () => {
    // Prepare
    const input = {
      merchantId: 'm_1',
      idempotencyKey: 'k-replay',
      requestFingerprint: fp(body),
      body,
      now: new Date(),
    };
    // Act
    const first = await payments.create(input);
    await outcomes.applyPaymentOutcome({
      eventId: 'evt_replay',
      reference: (first.body as Payment).id,
      to: 'succeeded',
      channelReference: 'ch_1',
      channel: 'sandbox',
      occurredAt: new Date().toISOString(),
      amount: 1050,
      currency: 'USD',
      now: new Date(Date.now() + 1000),
    });
    const replay = await payments.create(input);
    const other = { ...body, amount: 2000 };
    // Assess
    assert.equal(first.status, 201);
    assert.equal(first.replayed, false);
    assert.deepEqual(replay, { status: 201, body: first.body, replayed: true });
    assert.equal((await payments.get('m_1', (first.body as Payment).id)).status, 'succeeded');
    await assert.rejects(
      payments.create({ ...input, body: other, requestFingerprint: fp(other) }),
      IdempotencyKeyReusedError,
    );
  });

  it('stores exactly one payment for 50 concurrent identical creates', async () => {
    // Prepare
    const input = {
      merchantId: 'm_1',
      idempotencyKey: 'k-race',
      requestFingerprint: fp(body),
      body,
      now: new Date(),
    };
    // Act
    const answers = await Promise.all(Array.from({ length: 50 }, () => payments.create(input)));
    // Assess
    assert.equal(answers.filter((a) => !a.replayed).length, 1);
    assert.equal(new Set(answers.map((a) => JSON.stringify(a.body))).size, 1);
    const page = await lists.merchantPage({ merchantId: 'm_1', limit: 100 });
    assert.equal(page.data.filter((p) => p.id === (answers[0]?.body as Payment | undefined)?.id).length, 1);
  });

  it('answers not found for another merchant, exactly as for a missing payment', async () => {
    // Prepare
    const created = await payments.create({
      merchantId: 'm_owner',
      idempotencyKey: 'k-tenant',
      requestFingerprint: fp(body),
      body,
      now: new Date(),
    });
    // Act & Assess
    await assert.rejects(payments.get('m_intruder', (created.body as Payment).id), ObjectNotFoundError);
    await assert.rejects(payments.get('m_owner', 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa'), ObjectNotFoundError);
    await assert.rejects(payments.get('m_owner', 'not-an-id'), ObjectNotFoundError);
    assert.equal((await lists.merchantPage({ merchantId: 'm_intruder', limit: 10 })).data.length, 0);
  });

  it('pages newest first with a status filter and refuses another merchant cursor', async () => {
    // Prepare: 12 payments, every third one succeeded
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    for (let i = 0; i < 12; i++) {
      const b = { ...body, amount: 100 + i };
      const created = await payments.create({
        merchantId: 'm_list',
        idempotencyKey: `k-list-${i}`,
        requestFingerprint: fp(b),
        body: b,
        now: new Date(base + i * 1000),
      });
      if (i % 3 === 0) {
        await outcomes.applyPaymentOutcome({
          eventId: `evt_list_${i}`,
          reference: (created.body as Payment).id,
          to: 'succeeded',
          channelReference: `ch_${i}`,
          channel: 'sandbox',
          occurredAt: new Date().toISOString(),
          amount: b.amount,
          currency: 'USD',
          now: new Date(),
        });
      }
    }
    // Act
    const first = await lists.merchantPage({ merchantId: 'm_list', limit: 3, status: 'succeeded' });
    const second = await lists.merchantPage({
      merchantId: 'm_list',
      limit: 3,
      status: 'succeeded',
      cursor: first.nextCursor ?? '',
    });
    const all = await lists.merchantPage({ merchantId: 'm_list', limit: 12 });
    // Assess
    assert.deepEqual(
      first.data.map((p) => p.amount),
      [109, 106, 103],
    );
    assert.ok(first.nextCursor);
    assert.deepEqual(
      second.data.map((p) => p.amount),
      [100],
    );
    assert.equal(second.nextCursor, null);
    assert.equal(all.data.length, 12);
    assert.equal(all.nextCursor, null);
    await assert.rejects(
      lists.merchantPage({ merchantId: 'm_other', limit: 3, cursor: first.nextCursor ?? '' }),
      InvalidCursorError,
    );
    await assert.rejects(
      lists.merchantPage({ merchantId: 'm_list', limit: 3, cursor: 'bm90LWEtY3Vyc29y' }),
      InvalidCursorError,
    );
  });

  it('consumes 3 write units to create (the item, its merchant list and all-payments entries) and 3 to capture: the item, its outcome (GSI3) and line item (GSI2)', async () => {
    // Prepare
    capacity.length = 0;
    const b = {
      amount: 4200,
      currency: 'EUR',
      channel: 'sandbox' as const,
      description: 'Order 42',
      customer: { email: 'a@example.com', country: 'FR' },
    };
    // Act
    const created = await payments.create({
      merchantId: 'm_cost',
      idempotencyKey: 'k-cost',
      requestFingerprint: fp(b),
      body: b,
      now: new Date(),
    });
    await outcomes.applyPaymentOutcome({
      eventId: 'evt_cost',
      reference: (created.body as Payment).id,
      to: 'succeeded',
      channelReference: 'ch_cost',
      channel: 'sandbox',
      occurredAt: new Date().toISOString(),
      amount: 4200,
      currency: 'EUR',
      now: new Date(),
    });
    // Assess
    const units = (op: string) =>
      capacity
        .filter((c) => c.operation === op)
        .flatMap((c) => c.capacity)
        .reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
    // Create: the item, its GSI1 entry (the merchant's list) and its GSI4 entry (the ops search across
    // merchants; GSI2PK alone adds no index entry). Capture: one write of the item, which also indexes it
    // as its own outcome record and line item — the 2 units that a separate expected-outcome item and its
    // index entry used to cost.
    assert.equal(units('createPayment'), 3);
    assert.equal(units('applyPaymentOutcome'), 3);
  });
});
