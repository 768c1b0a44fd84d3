/**
 * The payment item's size as DynamoDB bills it (test/bench/item-size.ts), after every write of a typical
 * lifecycle on DynamoDB Local: the item as stored, read back raw. DynamoDB bills a write per started KB of
 * the larger of the item before and after it, so a capture of an item over 1 KB costs 2 write units
 * instead of 1 (and every index write it makes stays what it is). A typical item: a customer (id, email,
 * country, IP), three metadata pairs, a description of ~50 characters, a routing decision by a rule over
 * two channels with one skipped, a Stripe-like channel reference and event id, and a risk assessment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDispatchStore } from '../../shared/store/dynamodb/channel-dispatch.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentRiskStore } from '../../shared/store/dynamodb/payment-risk.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { keys } from '../../shared/store/keys.js';
import { itemSize } from '../bench/item-size.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const TYPICAL_BODY = {
  amount: 4_200,
  currency: 'USD',
  description: 'Order #10023: 2 items, express shipping to Berlin',
  customer: { id: 'cus_8f3a2b1c9d4e', email: 'jane.doe@example.com', country: 'DE', ip: '203.0.113.42' },
  metadata: { order_id: '10023', cart: 'c_77a1f0', campaign: 'winter-sale' },
};

const TYPICAL_ROUTING = {
  strategy: 'priority' as const,
  rule: 'usd-cards',
  candidates: ['stripe' as const, 'sandbox' as const],
  chosen: 'stripe' as const,
  reason:
    'rule "usd-cards", priority: stripe, first healthy in order; skipped alipay (does not take the currency)',
};

describe('the payment item stays within 1 KB through its lifecycle', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let outcomes: DynamoChannelOutcomeStore;
  let dispatch: DynamoDispatchStore;
  let risk: DynamoPaymentRiskStore;
  let n = 0;

  before(async () => {
    table = await startTestTable();
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
    dispatch = new DynamoDispatchStore(context);
    risk = new DynamoPaymentRiskStore(context);
  });
  after(() => table.stop());

  async function stored(paymentId: string): Promise<Record<string, AttributeValue>> {
    const out = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: { PK: { S: keys.object(paymentId.slice('pay_'.length)).PK }, SK: { S: 'OBJ' } },
        ConsistentRead: true,
      }),
    );
    assert.ok(out.Item);
    return out.Item;
  }

  async function create() {
    const idempotencyKey = `4f1c2d3e-5b6a-4c7d-8e9f-${String(++n).padStart(12, '0')}`;
    const created = await payments.create({
      merchantId: 'm_demo_1',
      idempotencyKey,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', TYPICAL_BODY),
      body: TYPICAL_BODY,
      routing: TYPICAL_ROUTING,
      now: new Date(),
    });
    assert.equal(created.status, 201);
    return (created.body as { id: string }).id;
  }

  const capture = (paymentId: string, channel: string) =>
    outcomes.applyPaymentOutcome({
      channel,
      eventId: `evt_3PqRsTuVwXyZ0123456${String(n).padStart(4, '0')}`,
      reference: paymentId,
      to: 'succeeded',
      channelReference: `pi_3PqRsTuVwXyZ01234${String(n).padStart(5, '0')}`,
      amount: TYPICAL_BODY.amount,
      currency: TYPICAL_BODY.currency,
      occurredAt: new Date().toISOString(),
      now: new Date(),
    });

  async function assess(paymentId: string, reasons: string[], decision: 'approve' | 'review') {
    const item = await risk.getItem(paymentId);
    assert.ok(item);
    const assessment = {
      score: decision === 'approve' ? 12 : 64,
      decision,
      reasons,
      assessedAt: new Date().toISOString(),
    };
    const written = await risk.setRisk(
      item,
      assessment,
      decision === 'review' ? { reviewStatus: 'held', cancel: false } : { cancel: false },
      new Date(),
    );
    assert.equal(written.kind, 'written');
  }

  /** The stored item's billed size after each step, checked and reported. */
  async function sizesOf(t: TestContext, id: string, steps: readonly (() => Promise<unknown>)[]) {
    const sizes = [itemSize((await stored(id)) as never)];
    for (const step of steps) {
      await step();
      sizes.push(itemSize((await stored(id)) as never));
    }
    t.diagnostic(`bytes after each write: ${sizes.join(' → ')}`);
    return sizes;
  }

  it('create → capture → risk approved: ≤ 1,024 bytes after each write', async (t) => {
    const id = await create();
    const sizes = await sizesOf(t, id, [
      async () => assert.deepEqual(await capture(id, 'stripe'), { kind: 'applied' }),
      () => assess(id, ['amount_vs_history'], 'approve'),
    ]);
    for (const size of sizes) assert.ok(size <= 1024, `${sizes.join(' → ')} bytes`);
  });

  it('create → failover → capture at the second channel → risk approved: ≤ 1,024 bytes after each write', async (t) => {
    const id = await create();
    const sizes = await sizesOf(t, id, [
      async () =>
        assert.equal(
          await dispatch.failOver({ paymentId: id, from: 'stripe', to: 'sandbox', at: new Date() }),
          true,
        ),
      async () => assert.deepEqual(await capture(id, 'sandbox'), { kind: 'applied' }),
      () => assess(id, [], 'approve'),
    ]);
    for (const size of sizes) assert.ok(size <= 1024, `${sizes.join(' → ')} bytes`);
  });

  it('held for review with two reasons after a failover: within 1 KB up to its capture', async (t) => {
    // The hold (reviewStatus and a longer assessment) can take such a payment past 1 KB: that one risk
    // write and an ops review after it cost 2 units (docs/architecture.md, "Payment item size").
    const id = await create();
    const sizes = await sizesOf(t, id, [
      () => dispatch.failOver({ paymentId: id, from: 'stripe', to: 'sandbox', at: new Date() }),
      () => capture(id, 'sandbox'),
      () => assess(id, ['customer_velocity', 'amount_vs_history'], 'review'),
    ]);
    for (const size of sizes.slice(0, 3)) assert.ok(size <= 1024, `${sizes.join(' → ')} bytes`);
    assert.ok((sizes[3] ?? 0) <= 1100, `${sizes.join(' → ')} bytes`);
  });
});
