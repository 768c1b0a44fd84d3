/**
 * The Alipay adapter against alipay-sdk, Alipay's own library: a notify signed by its signer (with
 * Alipay's key) is read by the adapter and refused under another key; the adapter's requests pass its
 * verifier with our app's public key, as Alipay's gateway would check them. And what never leaves for
 * Alipay itself: the sandbox's test outcome.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlipaySdk } from 'alipay-sdk';
import { createAlipayAdapter } from '../../../../shared/channels/adapters.js';
import { NotificationError } from '../../../../shared/channels/protocol.js';
import { APP_ID, merchantPrivate, merchantPublic, platformPrivate, platformPublic } from './keys.js';

const options = {
  appId: APP_ID,
  appPrivateKeyPem: merchantPrivate,
  alipayPublicKeyPems: [platformPublic],
  baseUrl: 'http://127.0.0.1:9',
  notifyUrl: 'http://127.0.0.1:3000/v1/channels/alipay/callbacks',
};
const adapter = createAlipayAdapter(options);
let n = 0;
const ref = (prefix: 'pay' | 're') => `${prefix}_AV${++n}`;

describe('Alipay adapter, with alipay-sdk', () => {
  it("reads a notify signed by alipay-sdk's signer with Alipay's key, refuses it under another key", () => {
    // Prepare: sdkExecute signs every parameter but sign, as a notify's sender does
    const alipay = new AlipaySdk({ appId: APP_ID, privateKey: platformPrivate, keyType: 'PKCS8' });
    const form = alipay.sdkExecute(
      'alipay.trade.notify',
      {
        notify_id: 'n0001',
        notify_type: 'trade_status_sync',
        notify_time: '2026-12-06 22:00:09',
        trade_no: '2026120622001400001234567890',
        out_trade_no: 'pay_SdkVector1',
        trade_status: 'TRADE_SUCCESS',
        total_amount: '88.88',
        gmt_payment: '2026-12-06 22:00:08',
      },
      { bizContentAutoSnakeCase: false },
    );
    const forger = new AlipaySdk({ appId: APP_ID, privateKey: merchantPrivate, keyType: 'PKCS8' });
    const forged = forger.sdkExecute(
      'alipay.trade.notify',
      { notify_id: 'n0002', trade_no: '1', out_trade_no: 'pay_x', trade_status: 'TRADE_SUCCESS' },
      { bizContentAutoSnakeCase: false },
    );
    // Act
    const read = adapter.readNotification({}, Buffer.from(form), new Date());
    // Assess
    assert.equal(read.kind === 'outcome' && read.event.amount, 8888);
    assert.equal(read.kind === 'outcome' && read.event.occurredAt, '2026-12-06T14:00:08.000Z');
    assert.throws(
      () => adapter.readNotification({}, Buffer.from(forged), new Date()),
      (error) => error instanceof NotificationError && error.code === 'mismatch',
    );
  });

  it("sends requests whose sign alipay-sdk's verifier accepts with our app's public key", async () => {
    // Prepare: a fetch that records what the adapter sends, then lets it through
    const sent: string[] = [];
    const recording = createAlipayAdapter({
      ...options,
      fetch: async (_input, init) => {
        sent.push(String(init?.body ?? ''));
        return new Response('', { status: 503 });
      },
    });
    const verifier = new AlipaySdk({
      appId: APP_ID,
      privateKey: merchantPrivate,
      keyType: 'PKCS8',
      alipayPublicKey: merchantPublic,
    });
    // Act
    await recording.submitPayment({ reference: ref('pay'), amount: 100, currency: 'CNY' });
    await recording.queryRefund({ reference: ref('re'), paymentReference: ref('pay'), currency: 'CNY' });
    // Assess
    assert.equal(sent.length, 2);
    for (const body of sent) {
      const params = Object.fromEntries(new URLSearchParams(body));
      assert.equal(verifier.checkNotifySignV2(params), true, String(params.method));
      assert.equal(verifier.checkNotifySignV2({ ...params, app_id: '2021000000000002' }), false);
    }
  });

  it("sends the test outcome to a simulator only, never to Alipay's own gateway", async () => {
    // Prepare
    const bodies: string[] = [];
    const production = createAlipayAdapter({
      ...options,
      baseUrl: 'https://openapi.alipay.com',
      fetch: async (_input, init) => {
        bodies.push(String(init?.body ?? ''));
        return new Response('', { status: 503 });
      },
    });
    const submission = { amount: 100, currency: 'CNY', outcome: 'fail' };
    // Act
    await production.submitPayment({ reference: 'pay_1', ...submission });
    await production.submitRefund({
      reference: 're_1',
      paymentReference: 'pay_1',
      paymentAmount: 100,
      ...submission,
    });
    // Assess
    assert.equal(bodies.length, 2);
    for (const body of bodies) {
      const biz = JSON.parse(new URLSearchParams(body).get('biz_content') ?? '{}');
      assert.equal(biz.passback_params, undefined);
      assert.ok(biz.out_trade_no);
    }
  });
});
