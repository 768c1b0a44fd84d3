/**
 * A merchant's daily amount limit over its shards, against DynamoDB Local: many concurrent creates from
 * several containers (one store each, each with its own snapshots) near the limit never count more than
 * the limit, and the merchant still gets all of it that whole payments can use.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { checkBefore, counterLimits } from '../../shared/domain/risk/before.js';
import type { CreatePaymentBody } from '../../shared/schemas/payment.js';
import { type Problem, riskRejected } from '../../shared/schemas/problem-catalogue.js';
import { DEFAULT_RISK_PROFILE, type RiskProfile } from '../../shared/schemas/risk-profile.js';
import {
  AMOUNT_BLOCK,
  AMOUNT_SHARDS,
  amountShardKey,
  shardShare,
} from '../../shared/store/dynamodb/daily-amount-shards.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const NOW = new Date('2026-11-26T10:07:30Z');
const DAY = '2026-11-26';

describe('daily amount limit over shards on DynamoDB Local', () => {
  let table: TestTable;
  let containers: DynamoPaymentStore[];
  let keyCounter = 0;

  before(async () => {
    table = await startTestTable();
    containers = Array.from({ length: 4 }, () => new DynamoPaymentStore(table));
  });
  after(async () => table.stop());

  const profileOf = (limit: number): RiskProfile => ({
    ...DEFAULT_RISK_PROFILE,
    dailyAmountLimit: { USD: limit },
  });

  async function create(store: DynamoPaymentStore, merchantId: string, profile: RiskProfile, amount: number) {
    const body: CreatePaymentBody = { amount, currency: 'USD', channel: 'sandbox' };
    const input = {
      merchantId,
      idempotencyKey: `k-${++keyCounter}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: NOW,
    };
    const verdict = checkBefore(profile, body);
    if (!verdict.ok) return store.refuse(input, riskRejected(verdict.reasons));
    return store.create({ ...input, counterLimits: counterLimits(profile, body) });
  }

  /** Each shard's total, read whole. */
  async function totals(merchantId: string): Promise<number[]> {
    const keys = Array.from({ length: AMOUNT_SHARDS }, (_, j) =>
      marshall(amountShardKey(merchantId, DAY, 'USD', j)),
    );
    const out = await table.client.send(
      new BatchGetItemCommand({ RequestItems: { [table.tableName]: { Keys: keys, ConsistentRead: true } } }),
    );
    const found = new Map(
      (out.Responses?.[table.tableName] ?? []).map((r) => [String(unmarshall(r).PK), unmarshall(r)]),
    );
    return Array.from({ length: AMOUNT_SHARDS }, (_, j) =>
      Number(found.get(amountShardKey(merchantId, DAY, 'USD', j).PK)?.total ?? 0),
    );
  }

  it('never counts over the limit under 90 concurrent creates from 4 containers, and uses all it can', async () => {
    // Prepare: 10 shards of 1,000,000; 150,000 a payment: 66 fit (9,900,000), 6 of them only split.
    const limit = 10 * AMOUNT_BLOCK;
    const profile = profileOf(limit);
    // Act
    const answers = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        create(containers[i % 4] as DynamoPaymentStore, 'm_burst', profile, 150_000),
      ),
    );
    // Assess
    const created = answers.filter((a) => a.status === 201).length;
    const refused = answers.filter((a) => a.status === 422);
    assert.equal(created + refused.length, 90, 'every create answered 201 or 422');
    for (const r of refused) assert.deepEqual((r.body as Problem).reasons, ['daily_amount_limit']);
    const shards = await totals('m_burst');
    const counted = shards.reduce((s, t) => s + t, 0);
    assert.ok(counted <= limit, `counted ${counted} over ${limit}`);
    assert.equal(counted, created * 150_000, 'exactly the created payments are counted');
    for (const [j, t] of shards.entries()) assert.ok(t <= shardShare(limit, j), `shard ${j}: ${t}`);
    assert.equal(created, 66, 'refused only once less than one payment was left');
  });

  it('splits a payment larger than any share, and refuses exactly what would go over', async () => {
    // Prepare: three shards of 1,000,000.
    const profile = profileOf(3 * AMOUNT_BLOCK);
    const [a, b] = containers as [DynamoPaymentStore, DynamoPaymentStore];
    // Act
    const large = await create(a, 'm_split', profile, 2_500_000);
    const tooMuch = await create(b, 'm_split', profile, 500_001);
    const rest = await create(b, 'm_split', profile, 500_000);
    const none = await create(a, 'm_split', profile, 1);
    // Assess
    assert.deepEqual([large.status, tooMuch.status, rest.status, none.status], [201, 422, 201, 422]);
    assert.deepEqual((await totals('m_split')).slice(0, 4), [AMOUNT_BLOCK, AMOUNT_BLOCK, AMOUNT_BLOCK, 0]);
  });

  it('refuses a merchant at its limit from the snapshot, without reading or writing a counter', async () => {
    // Prepare: a container that learned the shards are full.
    const operations: string[] = [];
    const store = new DynamoPaymentStore({
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation) => operations.push(operation),
    });
    const profile = profileOf(2 * AMOUNT_BLOCK);
    assert.equal((await create(store, 'm_full', profile, 2 * AMOUNT_BLOCK)).status, 201);
    assert.equal((await create(store, 'm_full', profile, 1)).status, 422);
    operations.length = 0;
    // Act
    const refused = await Promise.all([1, 2, 3].map(() => create(store, 'm_full', profile, 500)));
    // Assess
    assert.deepEqual(
      refused.map((r) => r.status),
      [422, 422, 422],
    );
    assert.deepEqual(
      operations,
      ['storeRefusal', 'storeRefusal', 'storeRefusal'],
      'only the refusals at their slots',
    );
  });

  it('never counts over the limit with payments of random amounts racing to the last unit', async () => {
    // Prepare
    const limit = 5 * AMOUNT_BLOCK + 12_345;
    const profile = profileOf(limit);
    const amounts = Array.from({ length: 150 }, () => 1_000 + Math.floor(Math.random() * 120_000));
    // Act
    const answers = await Promise.all(
      amounts.map((amount, i) =>
        create(containers[i % 4] as DynamoPaymentStore, 'm_random', profile, amount),
      ),
    );
    // Assess
    const createdAmounts = amounts.filter((_, i) => answers[i]?.status === 201);
    const refusedAmounts = amounts.filter((_, i) => answers[i]?.status === 422);
    assert.equal(createdAmounts.length + refusedAmounts.length, amounts.length);
    const counted = (await totals('m_random')).reduce((s, t) => s + t, 0);
    const sum = createdAmounts.reduce((s, x) => s + x, 0);
    assert.equal(counted, sum);
    assert.ok(counted <= limit, `counted ${counted} over ${limit}`);
    // Each refusal saw less room than its amount: what is left is below the largest refused amount.
    if (refusedAmounts.length > 0) assert.ok(limit - counted < Math.max(...refusedAmounts));
  });
});
