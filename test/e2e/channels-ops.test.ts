/**
 * The ops channel routes through the local runtime: the list's shape for every channel of the catalogue,
 * a PUT / GET round trip of a channel's settings, the 400s naming the field, 404 for an unknown channel,
 * and the health of a channel counting a payment that succeeded there (bus → SQS → the health consumer).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_BREAKER_SETTINGS } from '../../shared/domain/breaker.js';
import { DEFAULT_CHANNEL_FEES } from '../../shared/domain/channel-defaults.js';
import { DynamoBreakerStore } from '../../shared/store/dynamodb/channel-breakers.js';
import { ChannelRecords } from '../../shared/store/dynamodb/channel-records.js';
import { localClient } from '../support/dynamodb.js';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { isProblem, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime();

describe('ops channel routes', () => {
  it('lists every channel with its currencies, fees, breaker and health', async () => {
    // Act
    const r = await e2e.ops.get('/v1/ops/channels');
    // Assess
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.body.data.map((c: { id: string }) => c.id),
      ['sandbox', 'stripe', 'alipay', 'wechatpay'],
    );
    const alipay = r.body.data[2];
    assert.deepEqual(alipay.currencies, ['CNY']);
    assert.deepEqual(alipay.fees, DEFAULT_CHANNEL_FEES.alipay);
    assert.deepEqual(alipay.breaker, {
      state: 'closed',
      ...DEFAULT_BREAKER_SETTINGS,
      openedAt: null,
      recentFailures: 0,
    });
    assert.deepEqual(Object.keys(alipay.health).sort(), [
      'attempts',
      'authorizationRate',
      'failed',
      'succeeded',
      'unavailable',
    ]);
    // Stripe lists every currency the system knows; Alipay takes yuan only.
    assert.ok(r.body.data[1].currencies.includes('USD') && r.body.data[1].currencies.includes('JPY'));
    assert.deepEqual(r.body.data[2].currencies, ['CNY']);
  });

  it('replaces a channel’s settings and answers them on GET', async () => {
    // Prepare
    const settings = {
      fees: { USD: { percentBps: 250, fixed: 20 }, JPY: { percentBps: 360, fixed: 0 } },
      breaker: { failureThreshold: 3, windowSeconds: 30, cooldownSeconds: 15 },
    };
    // Act
    const put = await e2e.ops.request('PUT', '/v1/ops/channels/stripe', { body: settings });
    const get = await e2e.ops.get('/v1/ops/channels/stripe');
    // Assess
    assert.equal(put.status, 200, put.text);
    assert.equal(get.status, 200, get.text);
    assert.deepEqual(get.body.fees, settings.fees);
    assert.deepEqual(
      {
        failureThreshold: get.body.breaker.failureThreshold,
        windowSeconds: get.body.breaker.windowSeconds,
        cooldownSeconds: get.body.breaker.cooldownSeconds,
      },
      settings.breaker,
    );
    assert.deepEqual(put.body, get.body);
  });

  it('answers 400 naming the field, and changes nothing', async () => {
    // Act
    const before = await e2e.ops.get('/v1/ops/channels/wechatpay');
    const currency = await e2e.ops.request('PUT', '/v1/ops/channels/wechatpay', {
      body: { fees: { USD: { percentBps: 60, fixed: 0 } } },
    });
    const unknown = await e2e.ops.request('PUT', '/v1/ops/channels/wechatpay', {
      body: { fees: {}, breaker: { failureThreshold: 5, window: 60 } },
    });
    const range = await e2e.ops.request('PUT', '/v1/ops/channels/wechatpay', {
      body: { breaker: { cooldownSeconds: 0 } },
    });
    const after = await e2e.ops.get('/v1/ops/channels/wechatpay');
    // Assess
    assert.ok(isProblem(currency, 400), currency.text);
    assert.equal(currency.body.errors[0].path, 'fees.USD');
    assert.ok(isProblem(unknown, 400), unknown.text);
    assert.equal(unknown.body.errors[0].path, 'breaker.window');
    assert.ok(isProblem(range, 400), range.text);
    assert.equal(range.body.errors[0].path, 'breaker.cooldownSeconds');
    assert.deepEqual(after.body.fees, before.body.fees);
  });

  it('answers 404 for a channel it does not know, 403 to a merchant key', async () => {
    const get = await e2e.ops.get('/v1/ops/channels/paypal');
    const put = await e2e.ops.request('PUT', '/v1/ops/channels/paypal', { body: {} });
    const merchant = await e2e.api.get('/v1/ops/channels');
    assert.ok(isProblem(get, 404), get.text);
    assert.ok(isProblem(put, 404), put.text);
    assert.ok(isProblem(merchant, 403), merchant.text);
  });

  it('counts a payment that succeeded at the sandbox in its health', async () => {
    // Prepare
    const before = (await e2e.ops.get('/v1/ops/channels/sandbox')).body.health;
    const p = await e2e.api.createPayment({ amount: 1050, currency: 'USD' }, { idempotencyKey: uniqueKey() });
    assert.equal(p.status, 201, p.text);
    await e2e.api.waitForPayment(p.body.id, (x) => x.status === 'succeeded');
    // Act
    const health = await eventually(
      async () => {
        const h = (await e2e.ops.get('/v1/ops/channels/sandbox')).body.health;
        return h.succeeded > before.succeeded ? h : undefined;
      },
      30_000,
      'the health consumer to count the payment',
    );
    // Assess
    assert.equal(health.succeeded, before.succeeded + 1);
    assert.equal(health.attempts, before.attempts + 1);
    assert.ok(health.authorizationRate > 0);
  });

  it('shows a breaker opened under the thresholds ops PUT, and the outbox keeps flowing', async () => {
    // Prepare: two failures open WeChat Pay's breaker.
    const put = await e2e.ops.request('PUT', '/v1/ops/channels/wechatpay', {
      body: { breaker: { failureThreshold: 2, windowSeconds: 60, cooldownSeconds: 600 } },
    });
    assert.equal(put.status, 200, put.text);
    const dynamo = localClient(e2e.runtime.dynamoEndpoint);
    const table = { client: dynamo, tableName: e2e.runtime.tableName };
    const breakers = new DynamoBreakerStore(table, new ChannelRecords(table));
    try {
      // Act
      const now = Date.now();
      await breakers.record('wechatpay', { type: 'unavailable', at: now - 1000 });
      await breakers.record('wechatpay', { type: 'unavailable', at: now });
      const channel = (await e2e.ops.get('/v1/ops/channels/wechatpay')).body;
      // Assess
      assert.equal(channel.breaker.state, 'open');
      assert.equal(channel.breaker.recentFailures, 2);
      assert.equal(channel.breaker.openedAt, new Date(now).toISOString());
      // The publisher took the breaker's record (ChannelBreakerOpened) and goes on: a payment created
      // after it is still assessed by the risk consumer, which only PaymentCreated on the bus triggers.
      const p = await e2e.api.createPayment({ amount: 1_200, currency: 'USD' });
      assert.equal(p.status, 201, p.text);
      await eventually(
        async () => {
          const out = await dynamo.send(
            new GetItemCommand({
              TableName: e2e.runtime.tableName,
              Key: { PK: { S: `OBJ#${p.body.id.slice('pay_'.length)}` }, SK: { S: 'OBJ' } },
              ConsistentRead: true,
            }),
          );
          return out.Item?.risk ? true : undefined;
        },
        20_000,
        'the payment to be assessed',
      );
    } finally {
      dynamo.destroy();
    }
  });
});
