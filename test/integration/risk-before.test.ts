/**
 * Risk before-checks against DynamoDB Local: counted limits enforced by the create's transaction
 * (payment Put + guarded counter Updates), replays, concurrency and the write units each shape costs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ConsumedCapacity, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { checkBefore, counterLimits } from '../../shared/domain/risk/before.js';
import type { CreatePaymentBody, Payment } from '../../shared/schemas/payment.js';
import { type Problem, riskRejected } from '../../shared/schemas/problem-catalogue.js';
import { DEFAULT_RISK_PROFILE, type RiskProfile } from '../../shared/schemas/risk-profile.js';
import { DynamoPaymentLists } from '../../shared/store/dynamodb/payment-lists.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { counterKey } from '../../shared/store/dynamodb/risk-counters.js';
import { idempotencySlot, requestFingerprint } from '../../shared/store/idempotency.js';
import { keys } from '../../shared/store/keys.js';
import type { CreatePaymentInput } from '../../shared/store/ports.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const fp = (b: unknown) => requestFingerprint('POST', '/v1/payments', b);
const NOW = new Date('2026-11-26T10:07:30Z');

describe('risk before-checks on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let lists: DynamoPaymentLists;
  const capacity: Array<{ operation: string; capacity: readonly ConsumedCapacity[] }> = [];
  let keyCounter = 0;

  before(async () => {
    table = await startTestTable();
    payments = new DynamoPaymentStore({
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation, c) => capacity.push({ operation, capacity: c }),
    });
    lists = new DynamoPaymentLists({ client: table.client, tableName: table.tableName });
  });
  after(async () => table.stop());

  /** What create-payment does: check, then refuse or create with the counted limits. */
  async function create(
    merchantId: string,
    profile: RiskProfile,
    body: CreatePaymentBody,
    idempotencyKey = `k-${++keyCounter}`,
    now = NOW,
  ) {
    const input: CreatePaymentInput = {
      merchantId,
      idempotencyKey,
      requestFingerprint: fp(body),
      body,
      now,
    };
    const verdict = checkBefore(profile, body);
    if (!verdict.ok) return payments.refuse(input, riskRejected(verdict.reasons));
    return payments.create({ ...input, counterLimits: counterLimits(profile, body) });
  }

  async function counter(merchantId: string, limit: ReturnType<typeof counterLimits>[number], now = NOW) {
    const out = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: marshall(counterKey(merchantId, limit, now)),
        ConsistentRead: true,
      }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  const usd = (amount: number, customerId?: string): CreatePaymentBody => ({
    amount,
    currency: 'USD',
    channel: 'sandbox',
    ...(customerId ? { customer: { id: customerId } } : {}),
  });

  it('refuses the N+1th payment of a customer within a minute, and counts again the next minute', async () => {
    // Prepare
    const profile: RiskProfile = { ...DEFAULT_RISK_PROFILE, customerPaymentsPerMinute: 3 };
    // Act
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await create('m_freq', profile, usd(100, 'cus_f')));
    const nextMinute = await create(
      'm_freq',
      profile,
      usd(100, 'cus_f'),
      undefined,
      new Date('2026-11-26T10:08:00Z'),
    );
    const otherCustomer = await create('m_freq', profile, usd(100, 'cus_other'));
    // Assess
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 201, 422],
    );
    const refusal = answers[3]?.body as Problem;
    assert.match(refusal.type, /\/risk-rejected$/);
    assert.deepEqual(refusal.reasons, ['customer_frequency_limit']);
    assert.equal(nextMinute.status, 201);
    assert.equal(otherCustomer.status, 201);
    const [limit] = counterLimits(profile, usd(100, 'cus_f'));
    assert.ok(limit);
    assert.equal((await counter('m_freq', limit))?.count, 3, 'the refused attempt counted nothing');
  });

  it('stores a refusal at the slot and replays it; no payment is stored', async () => {
    // Prepare
    const profile: RiskProfile = { ...DEFAULT_RISK_PROFILE, dailyAmountLimit: { USD: 1000 } };
    await create('m_refusal', profile, usd(900));
    // Act
    const first = await create('m_refusal', profile, usd(200), 'k-refused');
    const replay = await create('m_refusal', profile, usd(200), 'k-refused');
    // Assess
    assert.equal(first.status, 422);
    assert.deepEqual((first.body as Problem).reasons, ['daily_amount_limit']);
    assert.deepEqual(replay, { ...first, replayed: true });
    const slot = await payments.getSlotItem(idempotencySlot('m_refusal', 'k-refused'));
    assert.equal(slot?.entity, 'refusal');
    const page = await lists.merchantPage({ merchantId: 'm_refusal', limit: 10 });
    assert.equal(page.data.length, 1);
  });

  it('replays a created payment without counting it twice', async () => {
    // Prepare
    const profile: RiskProfile = {
      ...DEFAULT_RISK_PROFILE,
      dailyAmountLimit: { USD: 10_000 },
      customerDailyAmountLimit: { USD: 5_000 },
      customerPaymentsPerMinute: 10,
    };
    const body = usd(1_000, 'cus_r');
    // Act
    const first = await create('m_replay', profile, body, 'k-once');
    const replays = await Promise.all([1, 2, 3].map(() => create('m_replay', profile, body, 'k-once')));
    // Assess
    assert.equal(first.status, 201);
    for (const r of replays) assert.deepEqual(r, { ...first, replayed: true });
    const [daily, customerDaily, frequency] = counterLimits(profile, body);
    assert.ok(daily && customerDaily && frequency);
    assert.equal((await counter('m_replay', daily))?.total, 1_000);
    assert.equal((await counter('m_replay', customerDaily))?.total, 1_000);
    assert.equal((await counter('m_replay', frequency))?.count, 1);
  });

  it('never lets 20 concurrent creates exceed a daily limit', async () => {
    // Prepare: room for exactly 7 payments of 1,000.
    const profile: RiskProfile = { ...DEFAULT_RISK_PROFILE, dailyAmountLimit: { USD: 7_500 } };
    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => create('m_race', profile, usd(1_000))),
    );
    // Assess
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 422);
    assert.equal(created.length, 7);
    assert.equal(refused.length, 13);
    for (const r of refused) assert.deepEqual((r.body as Problem).reasons, ['daily_amount_limit']);
    const [limit] = counterLimits(profile, usd(1_000));
    assert.ok(limit);
    assert.equal((await counter('m_race', limit))?.total, 7_000);
    const page = await lists.merchantPage({ merchantId: 'm_race', limit: 100 });
    assert.equal(page.data.length, 7);
  });

  it('keys counters per merchant, currency, customer and window, expiring after the window', async () => {
    // Prepare
    const profile: RiskProfile = {
      ...DEFAULT_RISK_PROFILE,
      dailyAmountLimit: { USD: 5_000 },
      customerDailyAmountLimit: { USD: 5_000 },
      customerPaymentsPerMinute: 5,
    };
    const body = usd(100, 'cus#with#hashes');
    // Act
    await create('m_keys', profile, body);
    // Assess
    const [daily, customerDaily, frequency] = counterLimits(profile, body);
    assert.ok(daily && customerDaily && frequency);
    assert.deepEqual(
      counterKey('m_keys', daily, NOW),
      keys.riskCounter('m_keys', 'AMT', '2026-11-26', 'USD'),
    );
    assert.equal(
      counterKey('m_keys', customerDaily, NOW).PK,
      'CTR#m_keys#CAMT#2026-11-26#USD#cus#with#hashes',
    );
    assert.equal(counterKey('m_keys', frequency, NOW).PK, 'CTR#m_keys#CFRQ#2026-11-26T10:07#cus#with#hashes');
    const item = await counter('m_keys', daily);
    assert.equal(item?.expiresAt, Date.parse('2026-11-27T00:00:00Z') / 1000 + 3600);
  });

  it('costs one PutItem without counted limits and one transaction with them (write units)', async () => {
    // Prepare
    const none = DEFAULT_RISK_PROFILE;
    const oneLimit: RiskProfile = { ...DEFAULT_RISK_PROFILE, dailyAmountLimit: { USD: 1_000_000 } };
    const threeLimits: RiskProfile = {
      ...oneLimit,
      customerDailyAmountLimit: { USD: 1_000_000 },
      customerPaymentsPerMinute: 100,
    };
    const units = async (profile: RiskProfile, body: CreatePaymentBody) => {
      capacity.length = 0;
      await create('m_cost', profile, body);
      return capacity.flatMap((c) => c.capacity).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    };
    // Act
    const plain = await units(none, usd(100, 'cus_c'));
    const usdAmountLimits: RiskProfile = { ...oneLimit, customerDailyAmountLimit: { USD: 1_000_000 } };
    const eurUnderUsdLimits = await units(usdAmountLimits, { ...usd(100, 'cus_c'), currency: 'EUR' });
    const plainOperations = capacity.map((c) => c.operation);
    const one = await units(oneLimit, usd(100));
    const three = await units(threeLimits, usd(100, 'cus_c'));
    // Assess
    assert.deepEqual(plainOperations, ['createPayment']);
    assert.deepEqual(
      capacity.map((c) => c.operation),
      ['createPayment.counted'],
    );
    console.log(
      `write units per create: no counted limit ${plain}, limits of another currency ${eurUnderUsdLimits}, ` +
        `one counted limit ${one}, three ${three}`,
    );
    assert.equal(plain, eurUnderUsdLimits, 'limits of another currency cost nothing');
    assert.equal(plain, 3, 'the payment, its GSI1 entry (merchant list) and its GSI4 entry (ops search)');
    // DynamoDB Local reports one figure for any transaction; in AWS a transactional write is 2 units per
    // item (payment 2 + GSI1 entry 1 + GSI4 entry 1 + 2 per counter), see docs/architecture.md.
    assert.ok(one > plain, `one counted limit: ${one} units`);
    assert.ok(three >= one, `three counted limits: ${three} units`);
  });

  it('answers 201 with the payment, never a refusal, when the request is within every limit', async () => {
    const profile: RiskProfile = { ...DEFAULT_RISK_PROFILE, singleTransactionLimit: { USD: 500 } };
    const ok = await create('m_ok', profile, usd(500));
    const tooMuch = await create('m_ok', profile, usd(501));
    assert.equal(ok.status, 201);
    assert.equal((ok.body as Payment).amount, 500);
    assert.deepEqual((tooMuch.body as Problem).reasons, ['single_transaction_limit']);
  });
});
