/**
 * Our Alipay OpenAPI requests, checked with alipay-sdk. Exports used: `AlipaySdk` — its `sdkExecute`
 * (signs a call's parameters with the app key: RSA2 over the sorted params, biz_content JSON) must
 * produce our very signature (PKCS#1 v1.5 is deterministic), and its `checkNotifySignV2`, configured
 * with our app public key, verifies our signed parameters as Alipay's gateway would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlipaySdk } from 'alipay-sdk';
import {
  billDownloadUrlQuery,
  precreate,
  query,
  refund,
  refundQuery,
  signedParams,
} from '../../../../shared/channels/alipay/requests.js';
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
      ['alipay.trade.fastpay.refund.query', { out_trade_no: 'pay_1', out_request_no: 're_1' }],
      ['alipay.data.dataservice.bill.downloadurl.query', { bill_type: 'trade', bill_date: '2026-12-06' }],
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

  it('queries a refund and names the bill of a day, signed, without a notify_url', () => {
    for (const [request, method, biz] of [
      [
        refundQuery(credentials, { reference: 're_01HZX4', paymentReference: 'pay_01HZX3' }, NOW),
        'alipay.trade.fastpay.refund.query',
        { out_trade_no: 'pay_01HZX3', out_request_no: 're_01HZX4' },
      ],
      [
        billDownloadUrlQuery(credentials, '2026-12-06', NOW),
        'alipay.data.dataservice.bill.downloadurl.query',
        { bill_type: 'trade', bill_date: '2026-12-06' },
      ],
    ] as const) {
      const params = bodyParams(request.body);
      assert.equal(params.method, method);
      assert.equal(params.notify_url, undefined);
      assert.deepEqual(JSON.parse(params.biz_content!), biz);
      assert.equal(sdk.checkNotifySignV2(params), true);
    }
  });

  it('carries a test outcome URL-encoded in passback_params, as the simulator and Alipay read it', () => {
    const params = bodyParams(
      precreate(credentials, { reference: 'pay_1', amount: 100, subject: 'x', outcome: 'unavailable' }, NOW)
        .body,
    );
    const biz = JSON.parse(params.biz_content!);
    assert.equal(biz.passback_params, 'sandbox_outcome%3Dunavailable');
    assert.equal(
      new URLSearchParams(decodeURIComponent(biz.passback_params)).get('sandbox_outcome'),
      'unavailable',
    );
    const plain = bodyParams(
      precreate(credentials, { reference: 'pay_1', amount: 100, subject: 'x' }, NOW).body,
    );
    assert.equal(JSON.parse(plain.biz_content!).passback_params, undefined);
  });
});
