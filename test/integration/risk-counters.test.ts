/**
 * The folded risk counters on DynamoDB Local: racing deliveries of one payment and racing payments of one
 * customer each land exactly once, every write guarded by the version it was applied to, for one read
 * and one write unit per item.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ConsumedCapacity, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { countIn } from '../../shared/domain/risk/folded-counters.js';
import { bucketOf } from '../../shared/domain/risk/velocity.js';
import {
  type CountedPayment,
  DynamoRiskAssessmentStore,
  riskCounterKey,
} from '../../shared/store/dynamodb/risk-assessments.js';
import { fromItem } from '../../shared/store/dynamodb/risk-counter-items.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const WINDOW = 60;

describe('risk counters on DynamoDB Local', () => {
  let table: TestTable;
  let store: DynamoRiskAssessmentStore;
  const capacity: Array<{ operation: string; capacity: readonly ConsumedCapacity[] }> = [];

  before(async () => {
    table = await startTestTable();
    store = new DynamoRiskAssessmentStore({
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation, c) => capacity.push({ operation, capacity: c }),
    });
  });
  after(async () => table.stop());

  const units = (operation: string) =>
    capacity
      .filter((c) => c.operation === operation)
      .flatMap((c) => c.capacity)
      .reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

  function paymentOf(merchantId: string, i: number, createdAt: string): CountedPayment {
    return {
      id: `pay_${merchantId}_${String(i).padStart(20, '0')}`,
      merchantId,
      amount: 100 * (i + 1),
      currency: 'USD',
      createdAt,
      customer: { id: 'cus_race', email: 'race@example.com', ip: '192.0.2.44' },
    };
  }

  async function stateOf(merchantId: string, dim: 'c' | 'e' | 'i', value: string) {
    const out = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: marshall(riskCounterKey(merchantId, dim, value)),
        ConsistentRead: true,
      }),
    );
    return fromItem(out.Item ? unmarshall(out.Item) : undefined);
  }

  async function bucketCounts(merchantId: string, createdAt: string) {
    const bucket = bucketOf(new Date(createdAt), WINDOW).index;
    const [c, e, i] = await Promise.all([
      stateOf(merchantId, 'c', 'cus_race'),
      stateOf(merchantId, 'e', 'race@example.com'),
      stateOf(merchantId, 'i', '192.0.2.44'),
    ]);
    return {
      c: countIn(c.velocity, bucket),
      e: countIn(e.velocity, bucket),
      i: countIn(i.velocity, bucket),
      history: c.history?.byCurrency.USD,
    };
  }

  it('counts racing deliveries of one payment once, and each reads it counted once', async () => {
    // Prepare
    const createdAt = new Date().toISOString();
    const payment = paymentOf('m_same', 0, createdAt);

    // Act
    const results = await Promise.all(
      Array.from({ length: 6 }, () => store.countOnce(payment, WINDOW, new Date())),
    );

    // Assess
    for (const r of results) {
      assert.deepEqual(r.signals, {
        customerCount: 1,
        emailCount: 1,
        ipCount: 1,
        history: { count: 0, sameCurrencyCount: 0, sameCurrencySum: 0 },
      });
    }
    assert.ok(results.some((r) => r.counted));
    const counts = await bucketCounts('m_same', createdAt);
    assert.deepEqual({ ...counts, history: undefined }, { c: 1, e: 1, i: 1, history: undefined });
    assert.deepEqual(counts.history, { n: [1], s: [100] });
  });

  it('counts racing payments of one customer each once, each seeing the ones that landed before it', async () => {
    // Prepare: 12 payments of one customer, email and IP in one bucket, each delivered twice at once
    const createdAt = new Date().toISOString();
    const payments = Array.from({ length: 12 }, (_, i) => paymentOf('m_many', i, createdAt));
    capacity.length = 0;

    // Act
    const results = await Promise.all(
      [...payments, ...payments].map((p) => store.countOnce(p, WINDOW, new Date())),
    );

    // Assess: every write landed on the version it read, so the customer's count after each is distinct
    const counts = await bucketCounts('m_many', createdAt);
    assert.deepEqual({ c: counts.c, e: counts.e, i: counts.i }, { c: 12, e: 12, i: 12 });
    assert.deepEqual(counts.history, { n: [12], s: [payments.reduce((s, p) => s + p.amount, 0)] });
    // A delivery that wrote the customer's item read its count at that version; its twin, finding the
    // payment counted, read it later: the lower of the two is the payment's own place, 1 to 12.
    const places = payments.map((_, i) =>
      Math.min(results[i]?.signals.customerCount ?? 0, results[i + 12]?.signals.customerCount ?? 0),
    );
    assert.deepEqual(
      [...places].sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    for (const [i, r] of results.entries()) {
      // One bucket, one year: the history before a payment is what its count saw, minus itself.
      assert.equal(r.signals.history?.count, (r.signals.customerCount ?? 0) - 1, `delivery ${i}`);
    }
    assert.ok(payments.every((_, i) => results[i]?.counted || results[i + 12]?.counted));
    // Each write unit is one landed write: three items × 12 payments.
    assert.equal(units('risk.count'), 36);
  });

  it('costs one write unit per item and one eventually consistent read of the three', async () => {
    // Prepare
    const createdAt = new Date().toISOString();
    await store.countOnce(paymentOf('m_units', 0, createdAt), WINDOW, new Date());
    capacity.length = 0;

    // Act
    const r = await store.countOnce(paymentOf('m_units', 1, createdAt), WINDOW, new Date());

    // Assess
    assert.equal(r.counted, true);
    assert.equal(r.signals.customerCount, 2);
    assert.deepEqual(r.signals.history, { count: 1, sameCurrencyCount: 1, sameCurrencySum: 100 });
    assert.equal(units('risk.count'), 3);
    assert.ok(units('risk.readSignals') <= 1.5, `read units ${units('risk.readSignals')}`);
  });

  it('replaces an item it does not know (no version) instead of reading its attributes', async () => {
    // Prepare: an item of another layout at the customer's key
    const createdAt = new Date().toISOString();
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall({ ...riskCounterKey('m_foreign', 'c', 'cus_race'), n: 99, n_USD: 99, s_USD: 9_900 }),
      }),
    );

    // Act
    const r = await store.countOnce(paymentOf('m_foreign', 0, createdAt), WINDOW, new Date());

    // Assess
    assert.equal(r.signals.customerCount, 1);
    assert.deepEqual(r.signals.history, { count: 0, sameCurrencyCount: 0, sameCurrencySum: 0 });
    assert.equal((await stateOf('m_foreign', 'c', 'cus_race')).version, 1);
  });
});
