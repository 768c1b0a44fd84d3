import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDispatcher, DispatchBatch, quotaMoveOf } from '../../../shared/channels/dispatcher.js';
import { routePayment } from '../../../shared/routing/route-payment.js';
import { routingConfigSchema } from '../../../shared/schemas/routing.js';
import { FakeBreakers, FakeChannel, FakeDispatchStore, FakeOutcomes, PAY } from './dispatcher-fakes.js';

const unavailable = { kind: 'unavailable', code: 'http_503', message: 'down' } as const;
const CREATED_AT = '2026-12-05T23:59:00.000Z';

function image(candidates: string[], quotaChannels?: string[]) {
  return {
    id: PAY,
    merchantId: 'm_1',
    amount: 1050,
    currency: 'CNY',
    channel: candidates[0] ?? null,
    metadata: {},
    routing: { candidates },
    quotaChannels,
    createdAt: CREATED_AT,
  };
}

describe('quota counts on failover', () => {
  it('moves the count off a channel with a quota and onto the next one that has one', () => {
    const p = image(['alipay', 'wechatpay'], ['alipay', 'wechatpay']);
    assert.deepEqual(quotaMoveOf(p, 'alipay', 'wechatpay'), {
      merchantId: 'm_1',
      currency: 'CNY',
      amount: 1050,
      createdAt: new Date(CREATED_AT),
      from: 'alipay',
      to: 'wechatpay',
    });
    assert.equal(
      quotaMoveOf(image(['alipay', 'wechatpay'], ['wechatpay']), 'alipay', 'wechatpay')?.from,
      undefined,
    );
    assert.equal(
      quotaMoveOf(image(['alipay', 'wechatpay'], ['alipay']), 'alipay', 'wechatpay')?.to,
      undefined,
    );
  });

  it('moves nothing when neither channel has a quota, or for a payment stored without quotaChannels', () => {
    assert.equal(quotaMoveOf(image(['alipay', 'wechatpay'], ['sandbox']), 'alipay', 'wechatpay'), undefined);
    assert.equal(quotaMoveOf(image(['alipay', 'wechatpay']), 'alipay', 'wechatpay'), undefined);
  });

  it('hands each failover of a chain its move, on the day the payment was created', async () => {
    // Prepare
    const channels = {
      alipay: new FakeChannel('alipay', unavailable),
      wechatpay: new FakeChannel('wechatpay', unavailable),
      sandbox: new FakeChannel('sandbox'),
    };
    const store = new FakeDispatchStore();
    store.payments.set(PAY, { status: 'processing', channel: 'alipay', attempts: [] });
    const dispatcher = createDispatcher({
      adapters: Object.fromEntries(Object.entries(channels).map(([n, c]) => [n, c.adapter()])),
      store,
      outcomes: new FakeOutcomes(),
      breakers: new FakeBreakers(),
      breakerPosition: async () => 'closed',
      now: () => new Date('2026-12-06T00:00:05Z'),
    });
    // Act
    const sent = await dispatcher.dispatchPayment(
      image(['alipay', 'wechatpay', 'sandbox'], ['alipay', 'sandbox']),
      new DispatchBatch(),
    );
    // Assess
    assert.deepEqual(sent, ['alipay', 'wechatpay', 'sandbox']);
    assert.deepEqual(
      store.quotaMoves.map((m) => [m.from, m.to, m.createdAt.toISOString()]),
      [
        ['alipay', undefined, CREATED_AT],
        [undefined, 'sandbox', CREATED_AT],
      ],
    );
  });

  it('routing names the candidates with a quota in the currency, in submission order', async () => {
    const config = routingConfigSchema.parse({
      default: { strategy: 'priority', channels: ['sandbox', 'stripe'] },
      quotas: { stripe: { USD: 5_000 }, sandbox: { EUR: 5_000 } },
    });
    const { decision, countQuota, quotaChannels } = await routePayment(
      { merchantId: 'm_1', amount: 1_000, currency: 'USD', now: new Date(CREATED_AT) },
      { config, loadFacts: async () => ({}), readQuotaUsage: async () => ({ stripe: 0 }), random: 0.5 },
    );
    assert.equal(decision.chosen, 'sandbox');
    assert.equal(countQuota, false);
    assert.deepEqual(quotaChannels, ['stripe']);
  });
});
