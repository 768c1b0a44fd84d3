/**
 * The WeChat Pay adapter against the local WeChat Pay simulator, in process: Native orders, signed
 * notifications read back, status queries, refunds, the sandbox outcomes (13, unavailable, timeout), a
 * request refused for its signature, an unreachable API, and the day's bill fetched through
 * /v3/bill/tradebill (its SHA1 checked) and read by the native reader. The vectors made with
 * wechatpay-axios-plugin are in adapter-vectors.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Aes } from 'wechatpay-axios-plugin';
import type { SimulatorServer } from '../../../../local/src/channels/common.js';
import { startWechatpaySimulator } from '../../../../local/src/channels/wechatpay.js';
import { type Delivery, type Receiver, startReceiver } from '../../../../local/test/channels/receiver.js';
import { createWechatpayAdapter } from '../../../../shared/channels/adapters.js';
import { ChannelError, StatementFetchError } from '../../../../shared/channels/errors.js';
import type { ChannelAdapter } from '../../../../shared/channels/types.js';
import { readStatement } from '../../../../shared/domain/reconciliation/native/index.js';
import {
  API_V3_KEY,
  APPID,
  MCHID,
  MERCHANT_SERIAL,
  merchantPrivate,
  merchantPublic,
  PLATFORM_SERIAL,
  platformPrivate,
  platformPublic,
} from './keys.js';

/** The decrypted resource of a delivered notification, by wechatpay-axios-plugin. */
function resourceOf(d: Delivery): Record<string, any> {
  const { resource } = JSON.parse(d.body);
  return JSON.parse(
    Aes.AesGcm.decrypt(resource.ciphertext, API_V3_KEY, resource.nonce, resource.associated_data),
  );
}
const eventOf = (d: Delivery) => String(JSON.parse(d.body).event_type);
const notifyOf = (adapter: ChannelAdapter, d: Delivery) =>
  adapter.readNotification(d.headers as Record<string, string>, Buffer.from(d.body), new Date());

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('WeChat Pay adapter', () => {
  let receiver: Receiver;
  let sim: SimulatorServer;
  let adapter: ChannelAdapter;
  let n = 0;
  const ref = (prefix: 'pay' | 're') => `${prefix}_WA${Date.now()}x${++n}`;
  const paidNotice = (reference: string) => (d: Delivery) =>
    eventOf(d) === 'TRANSACTION.SUCCESS' && resourceOf(d).out_trade_no === reference;
  const refundNotice = (reference: string) => (d: Delivery) =>
    eventOf(d).startsWith('REFUND.') && resourceOf(d).out_refund_no === reference;
  const options = () => ({
    mchid: MCHID,
    appid: APPID,
    merchantSerial: MERCHANT_SERIAL,
    merchantPrivateKeyPem: merchantPrivate,
    platformKeys: [{ serial: PLATFORM_SERIAL, publicKeyPem: platformPublic }],
    apiV3Keys: [API_V3_KEY],
    baseUrl: sim.url,
    notifyUrl: receiver.url,
    timeoutMs: 400,
  });
  const paid = async (amount: number) => {
    const reference = ref('pay');
    const submitted = await adapter.submitPayment({ reference, amount, currency: 'CNY' });
    assert.equal(submitted.kind, 'accepted', JSON.stringify(submitted));
    await receiver.next(paidNotice(reference));
    return reference;
  };

  before(async () => {
    receiver = await startReceiver({ status: 204, body: '' });
    sim = await startWechatpaySimulator({
      callbackUrl: () => receiver.url,
      merchantPublicKey: merchantPublic,
      platformPrivateKey: platformPrivate,
      delayMs: 20,
      retryBaseMs: 10,
      holdMs: 1500,
    });
    adapter = createWechatpayAdapter(options());
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  it('submits a Native order (accepted with its code_url), reads its notification, finds it by query', async () => {
    // Prepare
    const reference = ref('pay');
    // Act
    const submitted = await adapter.submitPayment({
      reference,
      amount: 1050,
      currency: 'CNY',
      description: '订单 7',
    });
    const notified = notifyOf(adapter, await receiver.next(paidNotice(reference)));
    const found = await adapter.queryPayment({ reference, currency: 'CNY' });
    // Assess
    assert.equal(submitted.kind, 'accepted');
    assert.match((submitted.kind === 'accepted' && submitted.qrCode) || '', /^weixin:\/\/wxpay\//);
    assert.equal(notified.kind, 'outcome');
    const event = notified.kind === 'outcome' ? notified.event : undefined;
    assert.equal(event?.reference, reference);
    assert.equal(event?.outcome, 'succeeded');
    assert.equal(event?.amount, 1050);
    assert.equal(found.kind === 'found' && found.state, 'succeeded');
    assert.equal(found.kind === 'found' && found.amount, 1050);
    assert.equal(found.kind === 'found' && found.channelReference, event?.channelReference);
    assert.deepEqual(adapter.ack, { status: 204, body: '' });
  });

  it('answers not_found (ORDER_NOT_EXIST, 404) for an order WeChat Pay never had', async () => {
    assert.deepEqual(await adapter.queryPayment({ reference: ref('pay'), currency: 'CNY' }), {
      kind: 'not_found',
    });
  });

  it('finds an order of an amount ending in 13 failed (closed, no notification); attach carries the hint', async () => {
    // Prepare
    const failing = ref('pay');
    const forced = ref('pay');
    // Act
    await adapter.submitPayment({ reference: failing, amount: 2013, currency: 'CNY' });
    await adapter.submitPayment({ reference: forced, amount: 2013, currency: 'CNY', outcome: 'succeed' });
    await receiver.next(paidNotice(forced));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const failed = await adapter.queryPayment({ reference: failing, currency: 'CNY' });
    // Assess
    assert.equal(failed.kind === 'found' && failed.state, 'failed');
    assert.equal(receiver.deliveries.filter(paidNotice(failing)).length, 0);
  });

  it('is unavailable on a 503, unknown on a timeout after which a query finds nothing', async () => {
    // Act
    const unavailable = await adapter.submitPayment({
      reference: ref('pay'),
      amount: 100,
      currency: 'CNY',
      outcome: 'unavailable',
    });
    const timedOut = ref('pay');
    const started = Date.now();
    const unknown = await adapter.submitPayment({
      reference: timedOut,
      amount: 100,
      currency: 'CNY',
      outcome: 'timeout',
    });
    const elapsed = Date.now() - started;
    const after = await adapter.queryPayment({ reference: timedOut, currency: 'CNY' });
    // Assess
    assert.equal(unavailable.kind, 'unavailable');
    assert.equal(unknown.kind === 'unknown' && unknown.code, 'timeout');
    assert.ok(elapsed < 1400, `gave up after ${elapsed} ms`);
    assert.deepEqual(after, { kind: 'not_found' });
  });

  it('refunds (stating the payment total), reads REFUND.SUCCESS, finds the refund; a failing refund is ABNORMAL', async () => {
    // Prepare
    const payment = await paid(3000);
    const good = ref('re');
    const bad = ref('re');
    const refundOf = (reference: string, outcome?: string) =>
      adapter.submitRefund({
        reference,
        paymentReference: payment,
        paymentAmount: 3000,
        amount: 1000,
        currency: 'CNY',
        outcome,
      });
    // Act
    const submitted = await refundOf(good);
    const succeeded = notifyOf(adapter, await receiver.next(refundNotice(good)));
    const found = await adapter.queryRefund({ reference: good, paymentReference: payment, currency: 'CNY' });
    await refundOf(bad, 'fail');
    const failed = notifyOf(adapter, await receiver.next(refundNotice(bad)));
    const missing = await adapter.queryRefund({
      reference: ref('re'),
      paymentReference: payment,
      currency: 'CNY',
    });
    // Assess
    assert.equal(submitted.kind, 'accepted');
    assert.equal(submitted.kind === 'accepted' && submitted.state, 'pending');
    assert.ok(succeeded.kind === 'outcome' && failed.kind === 'outcome');
    assert.equal(succeeded.event.subject, 'refund');
    assert.equal(succeeded.event.outcome, 'succeeded');
    assert.equal(succeeded.event.amount, 1000);
    assert.equal(failed.event.outcome, 'failed');
    assert.equal(found.kind === 'found' && found.state, 'succeeded');
    assert.equal(found.kind === 'found' && found.channelReference, succeeded.event.channelReference);
    assert.deepEqual(missing, { kind: 'not_found' });
  });

  it('is declined for a refund above what is left (NOT_ENOUGH), and for another currency', async () => {
    const payment = await paid(500);
    const refused = await adapter.submitRefund({
      reference: ref('re'),
      paymentReference: payment,
      paymentAmount: 500,
      amount: 600,
      currency: 'CNY',
    });
    assert.equal(refused.kind === 'declined' && refused.code, 'NOT_ENOUGH');
    const usd = await adapter.submitPayment({ reference: ref('pay'), amount: 100, currency: 'USD' });
    assert.equal(usd.kind === 'declined' && usd.code, 'currency_not_supported');
  });

  it('is unavailable with SIGN_ERROR when signed with a key WeChat Pay does not know', async () => {
    const wrongKey = createWechatpayAdapter({ ...options(), merchantPrivateKeyPem: platformPrivate });
    const result = await wrongKey.submitPayment({ reference: ref('pay'), amount: 100, currency: 'CNY' });
    assert.equal(result.kind, 'unavailable');
    assert.equal(result.kind === 'unavailable' && result.code, 'SIGN_ERROR');
  });

  it('believes no 2xx answer signed by a platform key it does not trust (unknown)', async () => {
    const distrustful = createWechatpayAdapter({
      ...options(),
      platformKeys: [{ serial: 'PUB_KEY_ID_OTHER', publicKeyPem: platformPublic }],
    });
    const result = await distrustful.submitPayment({ reference: ref('pay'), amount: 100, currency: 'CNY' });
    assert.equal(result.kind === 'unknown' && result.code, 'invalid_response_signature');
  });

  it('is unavailable when the API refuses the connection', async () => {
    const unreachable = createWechatpayAdapter({
      ...options(),
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
    });
    const refused = await unreachable.submitPayment({ reference: ref('pay'), amount: 100, currency: 'CNY' });
    assert.equal(refused.kind === 'unavailable' && refused.code, 'connection_refused');
    const queried = await unreachable.queryRefund({
      reference: ref('re'),
      paymentReference: 'x',
      currency: 'CNY',
    });
    assert.equal(queried.kind, 'unavailable');
  });

  it("streams the day's backtick bill through /v3/bill/tradebill, which the native reader reads", async () => {
    // Prepare
    const payment = await paid(4200);
    const refund = ref('re');
    await adapter.submitRefund({
      reference: refund,
      paymentReference: payment,
      paymentAmount: 4200,
      amount: 200,
      currency: 'CNY',
    });
    await receiver.next(refundNotice(refund));
    // The bill of today's Beijing day (UTC+8) holds them; their UTC day may be the one before.
    const now = Date.now();
    const date = new Date(now).toISOString().slice(0, 10);
    const beijingDay = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
    // Act
    const rows = [];
    const scope = { channel: 'wechatpay', date, otherDays: 'skip' } as const;
    for await (const row of readStatement(adapter.fetchStatement(beijingDay), scope)) rows.push(row);
    // Assess
    const paymentRow = rows.find((r) => r.reference === payment);
    const refundRow = rows.find((r) => r.reference === refund);
    assert.equal(paymentRow?.type, 'payment');
    assert.equal(paymentRow?.amount, 4200);
    assert.equal(refundRow?.type, 'refund');
    assert.equal(refundRow?.amount, 200);
  });

  it('refuses a bill whose bytes do not match the announced SHA1, and a date that is not a day', async () => {
    // Prepare: the download answer is altered on the way
    const tampering = createWechatpayAdapter({
      ...options(),
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).includes('/v3/billdownload/')) return response;
        return new Response(`${await response.text()}\`extra\r\n`, { status: 200 });
      },
    });
    const date = new Date().toISOString().slice(0, 10);
    // Act / Assess
    await assert.rejects(
      async () => {
        for await (const _ of tampering.fetchStatement(date));
      },
      (error) => error instanceof StatementFetchError && /sha1/.test(error.message),
    );
    await assert.rejects(
      adapter.fetchStatement('2026-02-30')[Symbol.asyncIterator]().next(),
      (error) => error instanceof ChannelError && error.code === 'channel_rejected',
    );
  });
});
