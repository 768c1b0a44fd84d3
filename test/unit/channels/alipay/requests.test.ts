/**
 * Our Alipay OpenAPI requests, checked with alipay-sdk. Exports used: `AlipaySdk` — its `sdkExecute`
 * (signs a call's parameters with the app key: RSA2 over the sorted params, biz_content JSON) must
 * produce our very signature (PKCS#1 v1.5 is deterministic), and its `checkNotifySignV2`, configured
 * with our app public key, verifies our signed parameters as Alipay's gateway would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlipaySdk } from 'alipay-sdk';
import { precreate, query, refund, signedParams } from '../../../../shared/channels/alipay/requests.js';
import { APP_ID, merchantPrivate, merchantPublic } from './keys.js';

const NOW = new Date('2026-12-06T14:00:05Z');
const credentials = {
  appId: APP_ID,
  privateKey: merchantPrivate,
  gateway: 'http://127.0.0.1:4243/gateway.do',
  notifyUrl: 'http://127.0.0.1:3000/v1/channels/alipay/callbacks',
};
const sdk = new AlipaySdk({
  appId: APP_ID,
  privateKey: merchantPrivate,
  keyType: 'PKCS8',
  alipayPublicKey: merchantPublic,
});

function bodyParams(body: string | undefined): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body ?? ''));
}

describe('Alipay requests', () => {
  it('precreates a trade: common params, biz_content in yuan, Beijing timestamp, form-encoded', () => {
    // Act
    const request = precreate(
      credentials,
      { reference: 'pay_01HZX3', amount: 1050, subject: 'Order 7 & co' },
      NOW,
    );
    // Assess
    assert.equal(request.method, 'POST');
    assert.equal(request.url, 'http://127.0.0.1:4243/gateway.do?charset=utf-8');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded;charset=utf-8');
    const params = bodyParams(request.body);
    assert.deepEqual(Object.keys(params).sort(), [
      'app_id',
      'biz_content',
      'charset',
      'format',
      'method',
      'notify_url',
      'sign',
      'sign_type',
      'timestamp',
      'version',
    ]);
    assert.equal(params.method, 'alipay.trade.precreate');
    assert.equal(params.timestamp, '2026-12-06 22:00:05');
    assert.deepEqual(JSON.parse(params.biz_content!), {
      out_trade_no: 'pay_01HZX3',
      total_amount: '10.50',
      subject: 'Order 7 & co',
    });
  });

  it('signs exactly as alipay-sdk signs the same call', () => {
    for (const [method, biz] of [
      [
        'alipay.trade.precreate',
        { out_trade_no: 'pay_1', total_amount: '0.01', subject: '测试 100% "quoted"' },
      ],
      ['alipay.trade.refund', { out_trade_no: 'pay_1', refund_amount: '0.01', out_request_no: 're_1' }],
      ['alipay.trade.query', { out_trade_no: 'pay_1' }],
    ] as const) {
      // Prepare
      const ours = signedParams(credentials, method, biz, NOW, true);
      // Act: the SDK given the same timestamp and notify_url
      const theirs = Object.fromEntries(
        new URLSearchParams(
          sdk.sdkExecute(method, {
            format: 'JSON',
            timestamp: ours.timestamp,
            notify_url: ours.notify_url,
            bizContent: biz,
          }),
        ),
      );
      // Assess
      assert.equal(theirs.biz_content, ours.biz_content);
      assert.equal(ours.sign, theirs.sign, method);
    }
  });

  it('is verified by alipay-sdk with our app public key, and not once tampered', () => {
    // Prepare
    const params = bodyParams(
      refund(credentials, { reference: 're_01HZX4', paymentReference: 'pay_01HZX3', amount: 300 }, NOW).body,
    );
    // Act / Assess
    assert.equal(sdk.checkNotifySignV2(params), true);
    assert.equal(
      sdk.checkNotifySignV2({ ...params, biz_content: params.biz_content!.replace('3.00', '30.00') }),
      false,
    );
    assert.deepEqual(JSON.parse(params.biz_content!), {
      out_trade_no: 'pay_01HZX3',
      refund_amount: '3.00',
      out_request_no: 're_01HZX4',
    });
  });

  it('queries by our pay_ id without a notify_url', () => {
    const params = bodyParams(query(credentials, 'pay_01HZX3', NOW).body);
    assert.equal(params.method, 'alipay.trade.query');
    assert.equal(params.notify_url, undefined);
    assert.equal(params.biz_content, '{"out_trade_no":"pay_01HZX3"}');
    assert.equal(sdk.checkNotifySignV2(params), true);
  });
});
