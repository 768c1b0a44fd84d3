/**
 * The Alipay adapter against the local Alipay simulator, in process: submissions, notifies read back,
 * status queries, refunds with their cumulative refund_fee, the sandbox outcomes (13, unavailable,
 * timeout), a request the gateway refuses for its signature, an unreachable gateway, and the day's
 * bill read by the native reader. The vectors made with alipay-sdk are in adapter-vectors.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startAlipaySimulator } from '../../../../local/src/channels/alipay.js';
import type { SimulatorServer } from '../../../../local/src/channels/common.js';
import { type Delivery, type Receiver, startReceiver } from '../../../../local/test/channels/receiver.js';
import { createAlipayAdapter } from '../../../../shared/channels/adapters.js';
import { ChannelError, StatementFetchError } from '../../../../shared/channels/errors.js';
import type { ChannelAdapter } from '../../../../shared/channels/types.js';
import { readStatement } from '../../../../shared/domain/reconciliation/native/index.js';
import { APP_ID, merchantPrivate, merchantPublic, platformPrivate, platformPublic } from './keys.js';

const paramsOf = (d: Delivery) => Object.fromEntries(new URLSearchParams(d.body));
const notifyOf = (adapter: ChannelAdapter, d: Delivery) =>
  adapter.readNotification(d.headers as Record<string, string>, Buffer.from(d.body), new Date());

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Alipay adapter', () => {
  let receiver: Receiver;
  let sim: SimulatorServer;
  let adapter: ChannelAdapter;
  let n = 0;
  const ref = (prefix: 'pay' | 're') => `${prefix}_AA${Date.now()}x${++n}`;
  const forTrade = (reference: string) => (d: Delivery) =>
    paramsOf(d).out_trade_no === reference && paramsOf(d).out_biz_no === undefined;
  const forRefund = (reference: string) => (d: Delivery) => paramsOf(d).out_biz_no === reference;
  const options = () => ({
    appId: APP_ID,
    appPrivateKeyPem: merchantPrivate,
    alipayPublicKeyPems: [platformPublic],
    baseUrl: sim.url,
    notifyUrl: receiver.url,
    timeoutMs: 400,
  });
  const paid = async (amount: number) => {
    const reference = ref('pay');
    const submitted = await adapter.submitPayment({ reference, amount, currency: 'CNY' });
    assert.equal(submitted.kind, 'accepted', JSON.stringify(submitted));
    await receiver.next(forTrade(reference));
    return reference;
  };

  before(async () => {
    receiver = await startReceiver({ status: 200, body: 'success' });
    sim = await startAlipaySimulator({
      callbackUrl: () => receiver.url,
      merchantPublicKey: merchantPublic,
      platformPrivateKey: platformPrivate,
      delayMs: 20,
      retryBaseMs: 10,
      holdMs: 1500,
    });
    adapter = createAlipayAdapter(options());
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  it('submits a payment (accepted with its QR code), reads its signed notify, finds it by query', async () => {
    // Prepare
    const reference = ref('pay');
    // Act
    const submitted = await adapter.submitPayment({
      reference,
      amount: 1050,
      currency: 'CNY',
      description: 'Order 7',
    });
    const notified = notifyOf(adapter, await receiver.next(forTrade(reference)));
    const found = await adapter.queryPayment({ reference, currency: 'CNY' });
    // Assess
    assert.equal(submitted.kind, 'accepted');
    assert.match((submitted.kind === 'accepted' && submitted.qrCode) || '', /^https:\/\/qr\.alipay\.com\//);
    assert.equal(notified.kind, 'outcome');
    const event = notified.kind === 'outcome' ? notified.event : undefined;
    assert.equal(event?.reference, reference);
    assert.equal(event?.outcome, 'succeeded');
    assert.equal(event?.amount, 1050);
    assert.equal(event?.currency, 'CNY');
    assert.equal(found.kind, 'found');
    assert.equal(found.kind === 'found' && found.state, 'succeeded');
    assert.equal(found.kind === 'found' && found.amount, 1050);
    assert.equal(found.kind === 'found' && found.channelReference, event?.channelReference);
    assert.deepEqual(adapter.ack, { status: 200, contentType: 'text/plain', body: 'success' });
  });

  it('answers not_found for a payment Alipay never had', async () => {
    assert.deepEqual(await adapter.queryPayment({ reference: ref('pay'), currency: 'CNY' }), {
      kind: 'not_found',
    });
  });

  it('reads a failed outcome for an amount ending in 13, and the test hint travels in passback_params', async () => {
    // Prepare
    const failing = ref('pay');
    const forced = ref('pay');
    // Act
    await adapter.submitPayment({ reference: failing, amount: 2013, currency: 'CNY' });
    await adapter.submitPayment({ reference: forced, amount: 2013, currency: 'CNY', outcome: 'succeed' });
    const failed = notifyOf(adapter, await receiver.next(forTrade(failing)));
    const succeeded = notifyOf(adapter, await receiver.next(forTrade(forced)));
    // Assess
    assert.equal(failed.kind === 'outcome' && failed.event.outcome, 'failed');
    assert.equal(succeeded.kind === 'outcome' && succeeded.event.outcome, 'succeeded');
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
    assert.equal(unavailable.kind === 'unavailable' && unavailable.code, 'http_503');
    assert.equal(unknown.kind, 'unknown');
    assert.equal(unknown.kind === 'unknown' && unknown.code, 'timeout');
    assert.ok(elapsed < 1400, `gave up after ${elapsed} ms`);
    assert.deepEqual(after, { kind: 'not_found' });
  });

  it('refunds in two parts, each notify carrying the cumulative refund_fee, each found by query', async () => {
    // Prepare
    const payment = await paid(3000);
    const first = ref('re');
    const second = ref('re');
    const refundOf = (reference: string, amount: number) =>
      adapter.submitRefund({
        reference,
        paymentReference: payment,
        paymentAmount: 3000,
        amount,
        currency: 'CNY',
      });
    // Act
    const firstSubmitted = await refundOf(first, 1000);
    const firstNotify = notifyOf(adapter, await receiver.next(forRefund(first)));
    const secondSubmitted = await refundOf(second, 2000);
    const secondNotify = notifyOf(adapter, await receiver.next(forRefund(second)));
    const found = await adapter.queryRefund({ reference: first, paymentReference: payment, currency: 'CNY' });
    const missing = await adapter.queryRefund({
      reference: ref('re'),
      paymentReference: payment,
      currency: 'CNY',
    });
    // Assess
    assert.equal(firstSubmitted.kind === 'accepted' && firstSubmitted.state, 'pending');
    assert.equal(secondSubmitted.kind, 'accepted');
    assert.ok(firstNotify.kind === 'outcome' && secondNotify.kind === 'outcome');
    assert.equal(firstNotify.event.subject, 'refund');
    assert.equal(firstNotify.event.reference, first);
    assert.equal(firstNotify.event.cumulativeRefunded, 1000);
    assert.equal(secondNotify.event.reference, second);
    assert.equal(secondNotify.event.cumulativeRefunded, 3000);
    assert.equal(found.kind === 'found' && found.state, 'succeeded');
    assert.equal(found.kind === 'found' && found.amount, 1000);
    assert.deepEqual(missing, { kind: 'not_found' });
  });

  it('is declined when Alipay refuses a refund for good, not_found for a refund of an unknown trade', async () => {
    // Prepare
    const payment = await paid(500);
    // Act
    const refused = await adapter.submitRefund({
      reference: ref('re'),
      paymentReference: payment,
      paymentAmount: 500,
      amount: 100,
      currency: 'CNY',
      outcome: 'fail',
    });
    const unknownTrade = await adapter.queryRefund({
      reference: ref('re'),
      paymentReference: ref('pay'),
      currency: 'CNY',
    });
    // Assess
    assert.equal(refused.kind, 'declined');
    assert.equal(refused.kind === 'declined' && refused.code, 'ACQ.SELLER_BALANCE_NOT_ENOUGH');
    assert.deepEqual(unknownTrade, { kind: 'not_found' });
  });

  it('is unavailable with isv.invalid-signature when signed with a key Alipay does not know', async () => {
    // Prepare
    const wrongKey = createAlipayAdapter({ ...options(), appPrivateKeyPem: platformPrivate });
    // Act
    const result = await wrongKey.submitPayment({ reference: ref('pay'), amount: 100, currency: 'CNY' });
    // Assess
    assert.equal(result.kind, 'unavailable');
    assert.equal(result.kind === 'unavailable' && result.code, 'isv.invalid-signature');
  });

  it('believes no answer it cannot verify: unknown when Alipay signs with a key it does not trust', async () => {
    const distrustful = createAlipayAdapter({ ...options(), alipayPublicKeyPems: [merchantPublic] });
    const result = await distrustful.submitPayment({ reference: ref('pay'), amount: 100, currency: 'CNY' });
    assert.equal(result.kind === 'unknown' && result.code, 'invalid_response_signature');
  });

  it('is unavailable when the gateway refuses the connection, declined for another currency', async () => {
    const unreachable = createAlipayAdapter({
      ...options(),
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
    });
    const refused = await unreachable.submitPayment({ reference: ref('pay'), amount: 100, currency: 'CNY' });
    assert.equal(refused.kind, 'unavailable');
    assert.equal(refused.kind === 'unavailable' && refused.code, 'connection_refused');
    const queried = await unreachable.queryPayment({ reference: ref('pay'), currency: 'CNY' });
    assert.equal(queried.kind, 'unavailable');
    const usd = await adapter.submitPayment({ reference: ref('pay'), amount: 100, currency: 'USD' });
    assert.equal(usd.kind === 'declined' && usd.code, 'currency_not_supported');
  });

  it("streams the day's GBK trade bill, which the native reader reads", async () => {
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
    await receiver.next(forRefund(refund));
    // The bill of today's Beijing day (UTC+8) holds them; their UTC day may be the one before.
    const now = Date.now();
    const date = new Date(now).toISOString().slice(0, 10);
    const beijingDay = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
    // Act
    const rows = [];
    const scope = { channel: 'alipay', date, otherDays: 'skip' } as const;
    for await (const row of readStatement(adapter.fetchStatement(beijingDay), scope)) rows.push(row);
    // Assess
    const paymentRow = rows.find((r) => r.reference === payment);
    const refundRow = rows.find((r) => r.reference === refund);
    assert.equal(paymentRow?.type, 'payment');
    assert.equal(paymentRow?.amount, 4200);
    assert.equal(refundRow?.type, 'refund');
    assert.equal(refundRow?.amount, 200);
  });

  it('refuses a statement date that is not a day, and says so when the bill cannot be named', async () => {
    await assert.rejects(adapter.fetchStatement('2026-13-01')[Symbol.asyncIterator]().next(), (error) => {
      return error instanceof ChannelError && error.code === 'channel_rejected';
    });
    const wrongKey = createAlipayAdapter({ ...options(), appPrivateKeyPem: platformPrivate });
    await assert.rejects(
      wrongKey.fetchStatement('2026-12-06')[Symbol.asyncIterator]().next(),
      (error) => error instanceof StatementFetchError && /isv\.invalid-signature/.test(error.message),
    );
  });
});
