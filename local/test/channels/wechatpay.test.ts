/**
 * The WeChat Pay simulator driven by the product's own signed API v3 requests (shared/channels/wechatpay),
 * its answers and notifications checked with wechatpay-axios-plugin (`Rsa.verify` over
 * `Formatter.response`, `Aes.AesGcm.decrypt`) and read by the product's readers, its bill by the
 * product's backtick-bill reader.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import type { ChannelReply, ChannelRequest } from '../../../shared/channels/protocol.js';
import { readWechatpayNotification } from '../../../shared/channels/wechatpay/notifications.js';
import {
  nativePayment,
  queryPayment,
  queryRefund,
  refund,
} from '../../../shared/channels/wechatpay/requests.js';
import { readQuery, readSubmission } from '../../../shared/channels/wechatpay/responses.js';
import { authorization } from '../../../shared/channels/wechatpay/sign.js';
import { parseNativeStatement } from '../../../shared/domain/reconciliation/native/index.js';
import type { SimulatorServer } from '../../src/channels/common.js';
import { startWechatpaySimulator } from '../../src/channels/wechatpay.js';
import { type Delivery, type Receiver, startReceiver } from './receiver.js';

const read = (name: string) =>
  readFileSync(new URL(`../../channel-test-keys/${name}.pem`, import.meta.url), 'utf8');
const MCHID = '1900000001';
const APPID = 'wx0000000000000001';
const API_V3_KEY = 'LocalApiV3Key0123456789abcdefghi';
const PLATFORM_SERIAL = 'PUB_KEY_ID_0000000000000001';
const merchantPrivate = read('wechatpay-merchant-private');
const platformPublic = read('wechatpay-platform-public');
const keys = { [PLATFORM_SERIAL]: platformPublic };
const platformKey = Rsa.fromSpki(platformPublic.replace(/-----[^-]+-----|\s/g, ''));
const now = () => Math.floor(Date.now() / 1000);
const clock = () => ({ timestamp: now() });

async function send(request: ChannelRequest, signal?: AbortSignal): Promise<ChannelReply> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(signal ? { signal } : {}),
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  };
}

/** Verifies `Wechatpay-*` headers with wechatpay-axios-plugin, as the vendor's own SDK does. */
function pluginVerifies(headers: Record<string, unknown>, body: string): boolean {
  const message = Formatter.response(
    String(headers['wechatpay-timestamp']),
    String(headers['wechatpay-nonce']),
    body,
  );
  return (
    headers['wechatpay-serial'] === PLATFORM_SERIAL &&
    Rsa.verify(message, String(headers['wechatpay-signature']), platformKey)
  );
}

/** The resource of a notification, decrypted by wechatpay-axios-plugin. */
function resourceOf(d: Delivery): Record<string, any> {
  const { resource } = JSON.parse(d.body);
  return JSON.parse(
    Aes.AesGcm.decrypt(resource.ciphertext, API_V3_KEY, resource.nonce, resource.associated_data),
  );
}

describe('WeChat Pay simulator', () => {
  let receiver: Receiver;
  let sim: SimulatorServer;
  let credentials: Parameters<typeof nativePayment>[0];
  let n = 0;
  const ref = (prefix: 'pay' | 're') => `${prefix}_W${Date.now()}x${++n}`;
  const forOrder = (reference: string) => (d: Delivery) => resourceOf(d).out_trade_no === reference;

  /** A POST of `payload` signed with our merchant key (for the sandbox's `attach`). */
  const signedPost = (path: string, payload: object): ChannelRequest => {
    const body = JSON.stringify(payload);
    return {
      method: 'POST',
      url: `${sim.url}${path}`,
      headers: {
        'content-type': 'application/json',
        authorization: authorization(credentials, 'POST', path, body, now(), 'nonce0123456789'),
      },
      body,
    };
  };
  const order = (reference: string, total: number, attach: string) =>
    signedPost('/v3/pay/transactions/native', {
      appid: APPID,
      mchid: MCHID,
      description: 'Order',
      out_trade_no: reference,
      attach,
      notify_url: receiver.url,
      amount: { total, currency: 'CNY' },
    });

  before(async () => {
    receiver = await startReceiver({ status: 204, body: '' });
    sim = await startWechatpaySimulator({
      callbackUrl: () => receiver.url,
      merchantPublicKey: read('wechatpay-merchant-public'),
      platformPrivateKey: read('wechatpay-platform-private'),
      delayMs: 20,
      retryBaseMs: 10,
      holdMs: 2000,
    });
    credentials = {
      mchid: MCHID,
      serial: 'MERCHANT_SERIAL_LOCAL_0001',
      privateKey: merchantPrivate,
      appid: APPID,
      notifyUrl: receiver.url,
      apiBase: sim.url,
    };
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  it('takes a Native order, answers signed, then sends TRANSACTION.SUCCESS with an encrypted resource', async () => {
    const reference = ref('pay');
    const reply = await send(
      nativePayment(credentials, { reference, amount: 1050, description: 'Order' }, clock()),
    );
    assert.equal(reply.status, 200);
    assert.ok(pluginVerifies(reply.headers, reply.body));
    assert.equal(readSubmission(reply, 'native', keys, now()).kind, 'accepted');

    const delivery = await receiver.next(forOrder(reference));
    assert.ok(pluginVerifies(delivery.headers, delivery.body));
    assert.equal(JSON.parse(delivery.body).event_type, 'TRANSACTION.SUCCESS');
    const resource = resourceOf(delivery);
    assert.equal(resource.trade_state, 'SUCCESS');
    assert.equal(resource.amount.total, 1050);
    const notification = readWechatpayNotification(
      delivery.headers as Record<string, string>,
      delivery.body,
      { platformKeys: keys, apiV3Keys: [API_V3_KEY], mchid: MCHID },
      now(),
    );
    assert.ok(notification.kind === 'outcome', JSON.stringify(notification));
    assert.equal(notification.event.reference, reference);
    assert.equal(notification.event.outcome, 'succeeded');

    const query = readQuery(
      await send(queryPayment(credentials, reference, clock())),
      'payment',
      keys,
      now(),
    );
    assert.equal(query.kind === 'found' && query.state, 'succeeded');
    assert.equal(query.kind === 'found' && query.channelReference, resource.transaction_id);
  });

  it('refuses a request signed with another key, or with another serial, with 401 SIGN_ERROR', async () => {
    const wrongKey = await send(
      nativePayment(
        { ...credentials, privateKey: read('wechatpay-platform-private') },
        { reference: ref('pay'), amount: 100, description: 'x' },
        clock(),
      ),
    );
    assert.equal(wrongKey.status, 401);
    assert.equal(JSON.parse(wrongKey.body).code, 'SIGN_ERROR');
    assert.equal(readSubmission(wrongKey, 'native', keys, now()).kind, 'unavailable');
    const wrongSerial = await send(
      queryPayment({ ...credentials, serial: 'OTHER_SERIAL' }, 'pay_x', clock()),
    );
    assert.equal(wrongSerial.status, 401);
    const stale = await send(queryPayment(credentials, 'pay_x', { timestamp: now() - 600 }));
    assert.equal(stale.status, 401);
  });

  it('closes an amount ending in 13 without a notification; a query finds it failed', async () => {
    const reference = ref('pay');
    await send(nativePayment(credentials, { reference, amount: 2013, description: 'Order' }, clock()));
    const early = readQuery(
      await send(queryPayment(credentials, reference, clock())),
      'payment',
      keys,
      now(),
    );
    assert.ok(early.kind === 'found');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.deliveries.filter(forOrder(reference)).length, 0);
    const late = readQuery(await send(queryPayment(credentials, reference, clock())), 'payment', keys, now());
    assert.equal(late.kind === 'found' && late.state, 'failed');
  });

  it('follows attach: the per-channel override, unavailable (503), timeout (never answered, never found), none', async () => {
    const forced = ref('pay');
    await send(order(forced, 2013, 'sandbox_outcome=fail&sandbox_outcome_wechatpay=succeed'));
    assert.equal(resourceOf(await receiver.next(forOrder(forced))).trade_state, 'SUCCESS');

    const unavailable = await send(order(ref('pay'), 100, 'sandbox_outcome=unavailable'));
    assert.equal(unavailable.status, 503);
    assert.equal(readSubmission(unavailable, 'native', keys, now()).kind, 'unavailable');

    const timedOut = ref('pay');
    await assert.rejects(
      send(order(timedOut, 100, 'sandbox_outcome=timeout'), AbortSignal.timeout(200)),
      /timeout|abort/i,
    );
    const query = readQuery(await send(queryPayment(credentials, timedOut, clock())), 'payment', keys, now());
    assert.deepEqual(query, { kind: 'not_found' });

    const unpaid = ref('pay');
    await send(order(unpaid, 100, 'sandbox_outcome=none'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.deliveries.filter(forOrder(unpaid)).length, 0);
    const pending = readQuery(await send(queryPayment(credentials, unpaid, clock())), 'payment', keys, now());
    assert.equal(pending.kind === 'found' && pending.state, 'pending', 'none: the order stays NOTPAY');
  });

  it('refunds with REFUND.SUCCESS, retries a refused notification, and bills the day with backticks', async () => {
    const reference = ref('pay');
    await send(nativePayment(credentials, { reference, amount: 3000, description: 'Order' }, clock()));
    await receiver.next(forOrder(reference));
    receiver.failNext(1);
    const refundRef = ref('re');
    const reply = await send(
      refund(
        credentials,
        { reference: refundRef, paymentReference: reference, paymentAmount: 3000, amount: 1200 },
        clock(),
      ),
    );
    assert.ok(pluginVerifies(reply.headers, reply.body));
    const submitted = readSubmission(reply, 'refund', keys, now());
    assert.ok(submitted.kind === 'accepted' && submitted.state === 'pending');
    const forRefund = (d: Delivery) => resourceOf(d).out_refund_no === refundRef;
    await receiver.next((d) => forRefund(d) && receiver.deliveries.filter(forRefund).length === 2);
    const [first, second] = receiver.deliveries.filter(forRefund);
    assert.equal(JSON.parse(second!.body).id, JSON.parse(first!.body).id, 'a redelivery keeps its id');
    assert.equal(JSON.parse(second!.body).event_type, 'REFUND.SUCCESS');
    assert.equal(resourceOf(second!).amount.refund, 1200);
    const query = readQuery(await send(queryRefund(credentials, refundRef, clock())), 'refund', keys, now());
    assert.equal(query.kind === 'found' && query.state, 'succeeded');

    const abnormalRef = ref('re');
    const abnormal = await send(
      signedPost('/v3/refund/domestic/refunds', {
        out_trade_no: reference,
        out_refund_no: abnormalRef,
        attach: 'sandbox_outcome_wechatpay=fail',
        notify_url: receiver.url,
        amount: { refund: 100, total: 3000, currency: 'CNY' },
      }),
    );
    assert.equal(readSubmission(abnormal, 'refund', keys, now()).kind, 'accepted');
    const abnormalNote = await receiver.next((d) => resourceOf(d).out_refund_no === abnormalRef);
    assert.equal(JSON.parse(abnormalNote.body).event_type, 'REFUND.ABNORMAL');
    const abnormalQuery = readQuery(
      await send(queryRefund(credentials, abnormalRef, clock())),
      'refund',
      keys,
      now(),
    );
    assert.equal(abnormalQuery.kind === 'found' && abnormalQuery.state, 'failed');

    // Billed by Beijing day (UTC+8), as the vendor bills: today's Beijing bill holds them, read for the
    // UTC day they happened on.
    const at = Date.now();
    const date = new Date(at).toISOString().slice(0, 10);
    const beijingDay = new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
    const bill = await (await fetch(`${sim.url}/statements/${beijingDay}.csv`)).text();
    assert.match(bill, /^交易时间,/);
    const rows: any[] = [];
    for await (const line of parseNativeStatement('wechatpay', bill, {
      channel: 'wechatpay',
      date,
      otherDays: 'skip',
    }))
      rows.push(line);
    const text = JSON.stringify(rows);
    assert.ok(text.includes(reference) && text.includes(refundRef), text.slice(0, 400));
  });
});
