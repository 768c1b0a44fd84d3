/**
 * The WeChat Pay adapter against wechatpay-axios-plugin: a notification it encrypts and signs (with the
 * platform key) is read by the adapter and refused under another key; an answer it signs is believed;
 * the adapter's Authorization passes its verifier with our merchant public key. And what never leaves
 * for WeChat Pay itself: the sandbox's test outcome.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { createWechatpayAdapter } from '../../../../shared/channels/adapters.js';
import { NotificationError } from '../../../../shared/channels/protocol.js';
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

const options = {
  mchid: MCHID,
  appid: APPID,
  merchantSerial: MERCHANT_SERIAL,
  merchantPrivateKeyPem: merchantPrivate,
  platformKeys: [{ serial: PLATFORM_SERIAL, publicKeyPem: platformPublic }],
  apiV3Keys: [API_V3_KEY],
  baseUrl: 'http://127.0.0.1:9',
  notifyUrl: 'http://127.0.0.1:3000/v1/channels/wechatpay/callbacks',
};
const adapter = createWechatpayAdapter(options);

describe('WeChat Pay adapter, with wechatpay-axios-plugin', () => {
  it('reads a notification encrypted and signed by wechatpay-axios-plugin; refuses it re-signed by another key', () => {
    // Prepare
    const resource = {
      mchid: MCHID,
      out_trade_no: 'pay_PluginVector1',
      transaction_id: '4200001234202612060000000009',
      trade_state: 'SUCCESS',
      success_time: '2026-12-06T22:00:08+08:00',
      amount: { total: 8888, currency: 'CNY' },
    };
    const nonce = 'a1b2c3d4e5f6';
    const body = JSON.stringify({
      id: 'EV-plugin-1',
      create_time: '2026-12-06T22:00:09+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: Aes.AesGcm.encrypt(JSON.stringify(resource), API_V3_KEY, nonce, 'transaction'),
        associated_data: 'transaction',
        nonce,
      },
    });
    const now = new Date('2026-12-06T14:00:10Z');
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const signedBy = (key: string) => ({
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': 'n0nce',
      'Wechatpay-Serial': PLATFORM_SERIAL,
      'Wechatpay-Signature': Rsa.sign(Formatter.response(timestamp, 'n0nce', body), key),
    });
    // Act
    const read = adapter.readNotification(signedBy(platformPrivate), Buffer.from(body), now);
    // Assess
    assert.equal(read.kind === 'outcome' && read.event.amount, 8888);
    assert.equal(read.kind === 'outcome' && read.event.reference, 'pay_PluginVector1');
    assert.throws(
      () => adapter.readNotification(signedBy(merchantPrivate), Buffer.from(body), now),
      (error) => error instanceof NotificationError && error.code === 'mismatch',
    );
  });

  it('signs requests wechatpay-axios-plugin verifies, and believes an answer the plugin signed', async () => {
    // Prepare: a fake API that records the request and answers as WeChat Pay, signed by the plugin
    const seen: { method: string; url: string; authorization: string; body: string }[] = [];
    const fake = createWechatpayAdapter({
      ...options,
      baseUrl: 'https://api.example.test',
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers);
        seen.push({
          method: String(init?.method),
          url: String(input),
          authorization: headers.get('authorization') ?? '',
          body: String(init?.body ?? ''),
        });
        const answer = JSON.stringify({ code_url: 'weixin://wxpay/bizpayurl?pr=plugin' });
        const timestamp = String(Math.floor(Date.now() / 1000));
        return new Response(answer, {
          status: 200,
          headers: {
            'wechatpay-timestamp': timestamp,
            'wechatpay-nonce': 'answerNonce',
            'wechatpay-serial': PLATFORM_SERIAL,
            'wechatpay-signature': Rsa.sign(
              Formatter.response(timestamp, 'answerNonce', answer),
              platformPrivate,
            ),
          },
        });
      },
    });
    // Act
    const result = await fake.submitPayment({ reference: 'pay_PluginVector2', amount: 1, currency: 'CNY' });
    // Assess
    assert.equal(result.kind === 'accepted' && result.qrCode, 'weixin://wxpay/bizpayurl?pr=plugin');
    const [request] = seen;
    assert.ok(request);
    const fields = Object.fromEntries(
      [...request.authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const message = Formatter.request(
      request.method,
      new URL(request.url).pathname,
      fields.timestamp,
      fields.nonce_str,
      request.body,
    );
    const merchantKey = Rsa.fromSpki(merchantPublic.replace(/-----[^-]+-----|\s/g, ''));
    assert.equal(Rsa.verify(message, fields.signature, merchantKey), true);
    assert.equal(Rsa.verify(`${message}x`, fields.signature, merchantKey), false);
  });

  it("sends the test outcome to a simulator only, never to WeChat Pay's own API", async () => {
    // Prepare
    const bodies: string[] = [];
    const production = createWechatpayAdapter({
      ...options,
      baseUrl: 'https://api.mch.weixin.qq.com',
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
      assert.equal(JSON.parse(body).attach, undefined);
      assert.equal(JSON.parse(body).out_trade_no, 'pay_1');
    }
  });
});
