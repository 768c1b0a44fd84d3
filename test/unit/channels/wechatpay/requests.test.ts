/**
 * Our WeChat Pay API v3 requests, checked with wechatpay-axios-plugin. Exports used: `Formatter.request`
 * (the signed message "METHOD\nURL\ntimestamp\nnonce\nbody\n"), `Formatter.authorization` (the header
 * it sends), `Rsa.sign` and `Rsa.verify` (SHA256withRSA, base64) with our merchant key pair.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import {
  billDownload,
  nativePayment,
  queryPayment,
  queryRefund,
  refund,
  tradeBill,
} from '../../../../shared/channels/wechatpay/requests.js';
import { nonce } from '../../../../shared/channels/wechatpay/sign.js';
import { APPID, MCHID, MERCHANT_SERIAL, merchantPrivate, merchantPublic } from './keys.js';

const credentials = {
  mchid: MCHID,
  appid: APPID,
  serial: MERCHANT_SERIAL,
  privateKey: merchantPrivate,
  notifyUrl: 'http://127.0.0.1:3000/v1/channels/wechatpay/callbacks',
  apiBase: 'http://127.0.0.1:4244',
};
const clock = { timestamp: 1_900_000_000, nonce: '593BEC0C930BF1AFEB40B4A08C8FB242' };

/** `WECHATPAY2-SHA256-RSA2048 k="v",…` → { k: v }. */
function authorizationParams(value: string): Record<string, string> {
  assert.match(value, /^WECHATPAY2-SHA256-RSA2048 /);
  return Object.fromEntries(
    value
      .slice('WECHATPAY2-SHA256-RSA2048 '.length)
      .split(',')
      .map((part) => {
        const m = /^(\w+)="([^"]*)"$/.exec(part);
        assert.ok(m, part);
        return [m[1]!, m[2]!];
      }),
  );
}

describe('WeChat Pay requests', () => {
  it('creates a Native payment: JSON in fen, signed as wechatpay-axios-plugin signs and verifies', () => {
    // Act
    const request = nativePayment(
      credentials,
      { reference: 'pay_01HZX3', amount: 1050, description: '订单 7' },
      clock,
    );
    // Assess
    assert.equal(request.url, 'http://127.0.0.1:4244/v3/pay/transactions/native');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request.body!), {
      appid: APPID,
      mchid: MCHID,
      description: '订单 7',
      out_trade_no: 'pay_01HZX3',
      notify_url: credentials.notifyUrl,
      amount: { total: 1050, currency: 'CNY' },
    });
    const auth = authorizationParams(request.headers.authorization!);
    const message = Formatter.request(
      'POST',
      '/v3/pay/transactions/native',
      auth.timestamp!,
      auth.nonce_str!,
      request.body,
    );
    assert.equal(
      Rsa.verify(message, auth.signature!, Rsa.fromSpki(merchantPublic.replace(/-----[^-]+-----|\s/g, ''))),
      true,
    );
    assert.equal(auth.signature, Rsa.sign(message, merchantPrivate));
    assert.deepEqual(
      auth,
      authorizationParams(
        Formatter.authorization(MCHID, clock.nonce, auth.signature!, clock.timestamp, MERCHANT_SERIAL),
      ),
    );
  });

  it('names the fields in the order of WeChat Pay documentation', () => {
    const request = nativePayment(credentials, { reference: 'pay_1', amount: 1, description: 'x' }, clock);
    assert.match(
      request.headers.authorization!,
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="[A-Za-z0-9+/=]+",timestamp="1900000000",serial_no="MERCHANT_SERIAL_LOCAL_0001"$/,
    );
  });

  it('refunds with our re_ id as out_refund_no and both amounts in fen', () => {
    const request = refund(
      credentials,
      {
        reference: 're_01HZX4',
        paymentReference: 'pay_01HZX3',
        paymentAmount: 1050,
        amount: 300,
        reason: '退货',
      },
      clock,
    );
    assert.equal(request.url, 'http://127.0.0.1:4244/v3/refund/domestic/refunds');
    assert.deepEqual(JSON.parse(request.body!), {
      out_trade_no: 'pay_01HZX3',
      out_refund_no: 're_01HZX4',
      reason: '退货',
      notify_url: credentials.notifyUrl,
      amount: { refund: 300, total: 1050, currency: 'CNY' },
    });
    const auth = authorizationParams(request.headers.authorization!);
    const message = Formatter.request(
      'POST',
      '/v3/refund/domestic/refunds',
      clock.timestamp,
      clock.nonce,
      request.body,
    );
    assert.equal(Rsa.verify(message, auth.signature!, merchantPublic), true);
  });

  it('signs a query over its path and query string with an empty body', () => {
    for (const [request, path] of [
      [
        queryPayment(credentials, 'pay_01HZX3', clock),
        '/v3/pay/transactions/out-trade-no/pay_01HZX3?mchid=1900000001',
      ],
      [queryRefund(credentials, 're_01HZX4', clock), '/v3/refund/domestic/refunds/re_01HZX4'],
      [tradeBill(credentials, '2026-12-06', clock), '/v3/bill/tradebill?bill_date=2026-12-06&bill_type=ALL'],
    ] as const) {
      assert.equal(request.method, 'GET');
      assert.equal(request.body, undefined);
      assert.equal(request.url, `http://127.0.0.1:4244${path}`);
      const auth = authorizationParams(request.headers.authorization!);
      assert.equal(
        Rsa.verify(
          Formatter.request('GET', path, clock.timestamp, clock.nonce, ''),
          auth.signature!,
          merchantPublic,
        ),
        true,
      );
    }
  });

  it('makes a fresh 32-character alphanumeric nonce per request', () => {
    const seen = new Set(Array.from({ length: 200 }, () => nonce()));
    assert.equal(seen.size, 200);
    for (const n of seen) assert.match(n, /^[A-Za-z0-9]{32}$/);
    const request = nativePayment(
      credentials,
      { reference: 'pay_1', amount: 1, description: 'x' },
      { timestamp: 1 },
    );
    assert.match(authorizationParams(request.headers.authorization!).nonce_str!, /^[A-Za-z0-9]{32}$/);
  });

  it("signs a bill download over the download URL's own path and query, sent to that URL", () => {
    const url =
      'https://api.mch.weixin.qq.com/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO';
    const request = billDownload(credentials, url, clock);
    assert.equal(request.method, 'GET');
    assert.equal(request.url, url);
    const auth = authorizationParams(request.headers.authorization!);
    const signed = Formatter.request('GET', url.slice(url.indexOf('/v3/')), clock.timestamp, clock.nonce, '');
    assert.equal(Rsa.verify(signed, auth.signature!, merchantPublic), true);
  });

  it('carries a test outcome in attach, and nothing without one', () => {
    const hinted = nativePayment(
      credentials,
      { reference: 'pay_1', amount: 1, description: 'x', outcome: 'timeout' },
      clock,
    );
    assert.equal(JSON.parse(hinted.body!).attach, 'sandbox_outcome=timeout');
    const plain = nativePayment(credentials, { reference: 'pay_1', amount: 1, description: 'x' }, clock);
    assert.equal(JSON.parse(plain.body!).attach, undefined);
  });
});
