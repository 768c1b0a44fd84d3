/**
 * Channel quotas on DynamoDB Local: a payment is counted on its channel's daily usage in the same
 * transaction that stores it (never twice, never without the payment), the usage is spread over 8 shard
 * items and read back as their sum, and routing refuses or routes past a channel whose quota has no room.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { RoutingChannel } from '../../shared/domain/routing/catalogue.js';
import { routePayment, storedRoutingOf } from '../../shared/routing/route-payment.js';
import type { CreatePaymentBody, Payment } from '../../shared/schemas/payment.js';
import { type RoutingConfigBody, routingConfigSchema } from '../../shared/schemas/routing.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { quotaDay, readQuotaUsage } from '../../shared/store/dynamodb/quota-usage.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { keys, QUOTA_SHARDS } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

/** The payment a routed create answered (the test fails here if it stored none). */
function paymentOf(created: { answer?: { body: unknown } | undefined }): Payment {
  assert.ok(created.answer, 'no payment was created');
  return created.answer.body as Payment;
}

const NOW = new Date('2026-12-06T10:00:00.000Z');
const DAY = '2026-12-06';

describe('channel quotas on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  const capacity: { operation: string; units: number }[] = [];

  before(async () => {
    table = await startTestTable();
    payments = new DynamoPaymentStore({
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation, consumed) =>
        capacity.push({ operation, units: consumed.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0) }),
    });
  });
  after(async () => table.stop());

  /** What create-payment does: route (with the usage read from the table), then store with the decision. */
  async function createRouted(
    merchantId: string,
    key: string,
    body: CreatePaymentBody,
    config: RoutingConfigBody,
  ) {
    const { decision, countQuota } = await routePayment(
      { merchantId, amount: body.amount, currency: body.currency, channel: body.channel, now: NOW },
      {
        config,
        loadFacts: async () => ({}),
        readQuotaUsage: (m, currency, channels, now) =>
          readQuotaUsage(table, m, currency, quotaDay(now), channels),
        random: 0.5,
      },
    );
    if (decision.outcome === 'quota_exceeded' || decision.outcome === 'currency_not_supported') {
      return { decision, answer: undefined };
    }
    const answer = await payments.create({
      merchantId,
      idempotencyKey: key,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: NOW,
      routing: storedRoutingOf(decision),
      countQuota,
    });
    return { decision, answer };
  }

  const usedOn = async (merchantId: string, channel: RoutingChannel, currency = 'USD') =>
    (await readQuotaUsage(table, merchantId, currency, DAY, [channel]))[channel];

  it('counts each stored payment once on its channel, spread over shards whose sum is the usage', async () => {
    // Prepare
    const config = routingConfigSchema.parse({ quotas: { sandbox: { USD: 1_000_000 } } });
    // Act
    for (let i = 0; i < 24; i++)
      await createRouted('m_q_1', `k${i}`, { amount: 100 + i, currency: 'USD' }, config);
    // Assess
    assert.equal(await usedOn('m_q_1', 'sandbox'), 24 * 100 + (23 * 24) / 2);
    const shards = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'begins_with(PK, :p)',
        ExpressionAttributeValues: marshall({ ':p': 'QUOTA#m_q_1#' }),
      }),
    );
    const items = (shards.Items ?? []).map((i) => unmarshall(i));
    assert.ok(items.length > 1 && items.length <= QUOTA_SHARDS, `${items.length} shard items`);
    for (const item of items) {
      assert.match(item.PK, /^QUOTA#m_q_1#sandbox#USD#2026-12-06#\d+$/);
      assert.ok(Number(item.PK.split('#').at(-1)) < QUOTA_SHARDS, item.PK);
      assert.equal(item.expiresAt, Date.parse('2026-12-09T00:00:00Z') / 1000, 'expires 2 days after its day');
    }
  });

  it('does not count a replayed create again', async () => {
    // Prepare
    const config = routingConfigSchema.parse({ quotas: { sandbox: { USD: 1_000_000 } } });
    const body = { amount: 700, currency: 'USD' };
    // Act
    const first = await createRouted('m_q_2', 'same', body, config);
    const replay = await createRouted('m_q_2', 'same', body, config);
    // Assess
    assert.equal(replay.answer?.replayed, true);
    assert.equal(paymentOf(replay).id, paymentOf(first).id);
    assert.equal(await usedOn('m_q_2', 'sandbox'), 700);
  });

  it('refuses a pinned payment that would cross the quota, and routes an unpinned one past the channel', async () => {
    // Prepare
    const config = routingConfigSchema.parse({
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: { stripe: { USD: 3_000 } },
    });
    // Act
    const pinned = [];
    for (let i = 0; i < 4; i++) {
      pinned.push(
        await createRouted('m_q_3', `p${i}`, { amount: 1_000, currency: 'USD', channel: 'stripe' }, config),
      );
    }
    const routed = await createRouted('m_q_3', 'r1', { amount: 1_000, currency: 'USD' }, config);
    // Assess
    assert.deepEqual(
      pinned.map((p) => p.decision.outcome),
      ['routed', 'routed', 'routed', 'quota_exceeded'],
    );
    assert.equal(await usedOn('m_q_3', 'stripe'), 3_000, 'the refused payment counted nothing');
    assert.equal(paymentOf(routed).channel, 'sandbox');
    assert.equal(await usedOn('m_q_3', 'sandbox'), 0, 'sandbox has no quota: nothing counted');
  });

  it('stores a payment with no healthy candidate failed, without a channel and without a count', async () => {
    // Prepare
    const config = routingConfigSchema.parse({
      rules: [
        {
          name: 'cny',
          when: { currencies: ['CNY'] },
          strategy: 'priority',
          channels: ['alipay', 'wechatpay'],
        },
      ],
      quotas: { alipay: { CNY: 0 }, wechatpay: { CNY: 0 } },
    });
    // Act
    const { answer } = await createRouted('m_q_4', 'cny', { amount: 500, currency: 'CNY' }, config);
    // Assess
    const payment = paymentOf({ answer });
    assert.equal(answer?.status, 201);
    assert.equal(payment.status, 'failed');
    assert.equal(payment.failureCode, 'channel_unavailable');
    assert.equal(payment.routing.rule, 'cny');
    const item = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: marshall(keys.object(payment.id.slice(4))) }),
    );
    const stored = unmarshall(item.Item ?? {});
    assert.equal(stored.status, 'failed');
    assert.equal(stored.channel, undefined);
    assert.equal(await usedOn('m_q_4', 'alipay', 'CNY'), 0);
  });

  it('costs a create 8 write units when a quota counts it (a transaction) and 3 without one', async () => {
    // Prepare
    const withQuota = routingConfigSchema.parse({ quotas: { sandbox: { USD: 10 ** 9 } } });
    const without = routingConfigSchema.parse({});
    // Act
    capacity.length = 0;
    await createRouted('m_q_6', 'cost-q', { amount: 4_200, currency: 'USD' }, withQuota);
    const counted = [...capacity];
    capacity.length = 0;
    await createRouted('m_q_6', 'cost-0', { amount: 4_200, currency: 'USD' }, without);
    const plain = [...capacity];
    // Assess: a transaction costs twice what its writes would (the payment, its GSI1 and GSI4 entries, the shard),
    // against 3 units for the plain PutItem (the payment, its GSI1 and GSI4 entries)
    assert.deepEqual(plain, [{ operation: 'createPayment', units: 3 }]);
    assert.deepEqual(counted, [{ operation: 'createPayment.counted', units: 8 }]);
  });

  it('counts every stored payment exactly once under concurrent creates', async () => {
    // Prepare
    const config = routingConfigSchema.parse({ quotas: { sandbox: { USD: 10 ** 12 } } });
    // Act
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        createRouted('m_q_5', `c${i % 20}`, { amount: 1_000 + (i % 20), currency: 'USD' }, config),
      ),
    );
    // Assess: 20 distinct keys (10 of them sent twice at once), each counted once
    const ids = new Set(answers.map((a) => paymentOf(a).id));
    assert.equal(ids.size, 20);
    assert.equal(await usedOn('m_q_5', 'sandbox'), 20 * 1_000 + (19 * 20) / 2);
  });
});
