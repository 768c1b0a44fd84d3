/**
 * Alipay's answers to our calls, signed by Alipay's side over the text of `<method>_response`. Each
 * vector must first pass alipay-sdk's own response check, `AlipaySdk#checkResponseSign(raw,
 * responseKey, sign, traceId)` (configured with Alipay's public key; it throws when the signature is
 * bad), then is read by ours.
 */
import assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import { describe, it } from 'node:test';
import { AlipaySdk } from 'alipay-sdk';
import {
  rawObjectValue,
  readBillDownloadUrl,
  readQuery,
  readRefundQuery,
  readSubmission,
} from '../../../../shared/channels/alipay/responses.js';
import { APP_ID, merchantPrivate, platformPrivate, platformPublic } from './keys.js';

const sdk = new AlipaySdk({
  appId: APP_ID,
  privateKey: merchantPrivate,
  keyType: 'PKCS8',
  alipayPublicKey: platformPublic,
});
const keys = [platformPublic];

/** Alipay's side: the response object's text, signed as is, the sign appended after it. */
function answer(method: string, value: object, key = platformPrivate, status = 200) {
  const responseKey = `${method.replaceAll('.', '_')}_response`;
  const text = JSON.stringify(value);
  const sign = createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
  const body = `{"${responseKey}":${text},"sign":"${sign}"}`;
  return { reply: { status, headers: {}, body }, responseKey, sign };
}
const checkedBySdk = (a: ReturnType<typeof answer>) => {
  sdk.checkResponseSign(a.reply.body, a.responseKey, a.sign, 'trace');
  return a.reply;
};

describe("Alipay's answers", () => {
  it('reads an accepted precreate: its QR code, the trade pending until the customer pays', () => {
    const reply = checkedBySdk(
      answer('alipay.trade.precreate', {
        code: '10000',
        msg: 'Success',
        out_trade_no: 'pay_1',
        qr_code: 'https://qr.alipay.com/bax0',
      }),
    );
    assert.deepEqual(readSubmission(reply, 'alipay.trade.precreate', keys), {
      kind: 'accepted',
      qrCode: 'https://qr.alipay.com/bax0',
      state: 'pending',
    });
  });

  it('reads a refund that moved money as succeeded, and fund_change N as pending', () => {
    const refund = (fund_change: string) =>
      checkedBySdk(
        answer('alipay.trade.refund', {
          code: '10000',
          msg: 'Success',
          trade_no: '2026120622001',
          out_trade_no: 'pay_1',
          refund_fee: '3.00',
          fund_change,
        }),
      );
    assert.deepEqual(readSubmission(refund('Y'), 'alipay.trade.refund', keys), {
      kind: 'accepted',
      channelReference: '2026120622001',
      state: 'succeeded',
    });
    assert.equal((readSubmission(refund('N'), 'alipay.trade.refund', keys) as any).state, 'pending');
  });

  it('maps refusals: business declines, credentials refused, outcome unknown', () => {
    const refused = (code: string, sub_code: string) =>
      readSubmission(
        checkedBySdk(answer('alipay.trade.precreate', { code, msg: 'x', sub_code, sub_msg: 'why' })),
        'alipay.trade.precreate',
        keys,
      ).kind;
    assert.equal(refused('40004', 'ACQ.TRADE_HAS_CLOSE'), 'declined');
    assert.equal(refused('40004', 'ACQ.TOTAL_FEE_EXCEED'), 'declined');
    assert.equal(refused('40002', 'isv.invalid-signature'), 'unavailable');
    assert.equal(refused('40006', 'isv.insufficient-isv-permissions'), 'unavailable');
    assert.equal(refused('20000', 'isp.unknow-error'), 'unknown');
    assert.equal(refused('40004', 'ACQ.SYSTEM_ERROR'), 'unknown');
  });

  it('believes nothing Alipay did not sign: forged, tampered or unsigned answers are unknown', () => {
    const forged = answer(
      'alipay.trade.precreate',
      { code: '40004', sub_code: 'ACQ.TRADE_HAS_CLOSE' },
      merchantPrivate,
    );
    assert.throws(() => sdk.checkResponseSign(forged.reply.body, forged.responseKey, forged.sign, 't'));
    assert.deepEqual(readSubmission(forged.reply, 'alipay.trade.precreate', keys), {
      kind: 'unknown',
      code: 'invalid_response_signature',
      message: 'Alipay answer not signed by Alipay',
    });
    const good = answer('alipay.trade.query', {
      code: '10000',
      trade_no: '1',
      trade_status: 'TRADE_SUCCESS',
      total_amount: '1.00',
    });
    const tampered = { ...good.reply, body: good.reply.body.replace('1.00', '9.00') };
    assert.equal(readQuery(tampered, keys).kind, 'unknown');
    const unsigned = { status: 200, headers: {}, body: '{"alipay_trade_query_response":{"code":"10000"}}' };
    assert.equal(readQuery(unsigned, keys).kind, 'unknown');
  });

  it('reads a query: the trade found in fen, or never taken', () => {
    const found = checkedBySdk(
      answer('alipay.trade.query', {
        code: '10000',
        msg: 'Success',
        trade_no: '2026120622001',
        out_trade_no: 'pay_1',
        trade_status: 'TRADE_SUCCESS',
        total_amount: '88.88',
      }),
    );
    assert.deepEqual(readQuery(found, keys), {
      kind: 'found',
      state: 'succeeded',
      channelReference: '2026120622001',
      amount: 8888,
      currency: 'CNY',
    });
    const missing = checkedBySdk(
      answer('alipay.trade.query', {
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'ACQ.TRADE_NOT_EXIST',
      }),
    );
    assert.deepEqual(readQuery(missing, keys), { kind: 'not_found' });
  });

  it('reads HTTP failures: 503 unavailable, anything else unknown', () => {
    assert.equal(
      readSubmission({ status: 503, headers: {}, body: '' }, 'alipay.trade.refund', keys).kind,
      'unavailable',
    );
    assert.equal(
      readSubmission({ status: 502, headers: {}, body: '' }, 'alipay.trade.refund', keys).kind,
      'unknown',
    );
    assert.equal(
      readSubmission({ status: 200, headers: {}, body: '<html>' }, 'alipay.trade.refund', keys).kind,
      'unknown',
    );
  });

  it('cuts the signed text exactly, whatever the value holds or where the sign is', () => {
    const value = '{ "code" : "10000", "msg":"a \\"sign\\": } {", "n":{"x":[1,{"y":"}"}]} }';
    const body = `{"sign":"abc", "alipay_trade_query_response" : ${value} , "x":{"alipay_trade_query_response":{}}}`;
    assert.equal(rawObjectValue(body, 'alipay_trade_query_response'), value);
    assert.equal(rawObjectValue(body, 'missing_response'), undefined);
    assert.equal(
      rawObjectValue('{"a":{"alipay_trade_query_response":{}}}', 'alipay_trade_query_response'),
      undefined,
    );
  });

  it('reads a refund query: REFUND_SUCCESS succeeded, held without a status pending, unknown to Alipay not_found', () => {
    const method = 'alipay.trade.fastpay.refund.query';
    const common = { code: '10000', msg: 'Success', trade_no: '2026120622001', out_trade_no: 'pay_1' };
    const held = { ...common, out_request_no: 're_1', refund_amount: '3.00', total_amount: '10.50' };
    assert.deepEqual(
      readRefundQuery(checkedBySdk(answer(method, { ...held, refund_status: 'REFUND_SUCCESS' })), keys),
      { kind: 'found', state: 'succeeded', channelReference: '2026120622001', amount: 300, currency: 'CNY' },
    );
    const pending = readRefundQuery(checkedBySdk(answer(method, held)), keys);
    assert.equal(pending.kind === 'found' && pending.state, 'pending');
    assert.deepEqual(
      readRefundQuery(checkedBySdk(answer(method, { ...common, out_request_no: 're_2' })), keys),
      {
        kind: 'not_found',
      },
    );
    const noTrade = {
      code: '40004',
      msg: 'Business Failed',
      sub_code: 'ACQ.TRADE_NOT_EXIST',
      sub_msg: '交易不存在',
    };
    assert.deepEqual(readRefundQuery(checkedBySdk(answer(method, noTrade)), keys), { kind: 'not_found' });
    const forged = answer(method, { ...held, refund_status: 'REFUND_SUCCESS' }, merchantPrivate);
    assert.equal(readRefundQuery(forged.reply, keys).kind, 'unknown');
  });

  it("reads the bill's download URL, or Alipay's reason for naming none", () => {
    const method = 'alipay.data.dataservice.bill.downloadurl.query';
    const url = 'http://dwbillcenter.alipay.com/downloadBillFile.resource?bizType=trade&fileType=csv.zip';
    const named = readBillDownloadUrl(
      checkedBySdk(answer(method, { code: '10000', msg: 'Success', bill_download_url: url })),
      keys,
    );
    assert.deepEqual(named, { kind: 'url', url });
    const none = readBillDownloadUrl(
      checkedBySdk(
        answer(method, {
          code: '40004',
          msg: 'Business Failed',
          sub_code: 'isp.bill_not_exist',
          sub_msg: '账单不存在',
        }),
      ),
      keys,
    );
    assert.equal(none.kind === 'declined' && none.code, 'isp.bill_not_exist');
    assert.equal(readBillDownloadUrl({ status: 503, headers: {}, body: '' }, keys).kind, 'unavailable');
  });
});
