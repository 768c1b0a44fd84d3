/**
 * WeChat Pay's answers to our calls, signed the way WeChat Pay signs them, with wechatpay-axios-plugin's
 * `Rsa.sign(Formatter.response(timestamp, nonce, body), platformPrivateKey)`, read by ours.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { readQuery, readSubmission, readTradeBill } from '../../../../shared/channels/wechatpay/responses.js';
import { merchantPrivate, PLATFORM_SERIAL, platformPrivate, platformPublic } from './keys.js';

const NOW = 1_900_000_000;
const keys = { [PLATFORM_SERIAL]: platformPublic };

function answer(
  status: number,
  value: unknown,
  o: { signer?: string; timestamp?: number; serial?: string } = {},
) {
  const body = JSON.stringify(value);
  const timestamp = String(o.timestamp ?? NOW);
  const nonce = 'b9c5d1e0f6a34b8c9d0e1f2a3b4c5d6e';
  return {
    status,
    body,
    headers: {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': o.serial ?? PLATFORM_SERIAL,
      'Wechatpay-Signature': Rsa.sign(
        Formatter.response(timestamp, nonce, body),
        o.signer ?? platformPrivate,
      ),
    },
  };
}
const unsigned = (status: number, value: unknown) => ({ status, headers: {}, body: JSON.stringify(value) });

describe("WeChat Pay's answers", () => {
  it('reads a Native payment: its code_url, pending until paid', () => {
    assert.deepEqual(
      readSubmission(answer(200, { code_url: 'weixin://wxpay/bizpayurl?pr=p4lpSuKzz' }), 'native', keys, NOW),
      {
        kind: 'accepted',
        qrCode: 'weixin://wxpay/bizpayurl?pr=p4lpSuKzz',
        state: 'pending',
      },
    );
  });

  it('reads a refund and its status', () => {
    const refund = (status: string) =>
      answer(200, { refund_id: '5000000038201905', out_refund_no: 're_1', status, amount: { refund: 300 } });
    assert.deepEqual(readSubmission(refund('PROCESSING'), 'refund', keys, NOW), {
      kind: 'accepted',
      channelReference: '5000000038201905',
      state: 'pending',
    });
    assert.equal((readSubmission(refund('SUCCESS'), 'refund', keys, NOW) as any).state, 'succeeded');
    assert.equal((readSubmission(refund('ABNORMAL'), 'refund', keys, NOW) as any).state, 'failed');
  });

  it('believes no 2xx answer that a trusted platform key did not sign within 300 s', () => {
    const value = { code_url: 'weixin://x' };
    for (const reply of [
      unsigned(200, value),
      answer(200, value, { signer: merchantPrivate }),
      answer(200, value, { timestamp: NOW - 301 }),
      answer(200, value, { serial: 'PUB_KEY_ID_OTHER' }),
      { ...answer(200, value), body: JSON.stringify({ code_url: 'weixin://forged' }) },
    ]) {
      assert.equal(readSubmission(reply, 'native', keys, NOW).kind, 'unknown');
    }
  });

  it('maps error answers: not taken, maybe taken, declined', () => {
    const kind = (status: number, code: string) =>
      readSubmission(unsigned(status, { code, message: 'm' }), 'native', keys, NOW).kind;
    assert.equal(kind(401, 'SIGN_ERROR'), 'unavailable');
    assert.equal(kind(403, 'NO_AUTH'), 'unavailable');
    assert.equal(kind(429, 'FREQUENCY_LIMITED'), 'unavailable');
    assert.equal(kind(503, 'SYSTEM_ERROR'), 'unavailable');
    assert.equal(kind(500, 'SYSTEM_ERROR'), 'unknown');
    assert.equal(kind(502, 'BANK_ERROR'), 'unknown');
    assert.equal(kind(403, 'ORDERPAID'), 'unknown');
    assert.equal(kind(400, 'PARAM_ERROR'), 'declined');
    assert.equal(kind(403, 'NOT_ENOUGH'), 'declined');
    assert.deepEqual(
      readSubmission(unsigned(400, { code: 'INVALID_REQUEST', message: '重复' }), 'refund', keys, NOW),
      {
        kind: 'declined',
        code: 'INVALID_REQUEST',
        message: '重复',
      },
    );
  });

  it('reads queries: a payment found, not yet paid, never taken; a refund found', () => {
    const trade = {
      out_trade_no: 'pay_1',
      transaction_id: '4200001',
      trade_state: 'SUCCESS',
      amount: { total: 1050, currency: 'CNY' },
    };
    assert.deepEqual(readQuery(answer(200, trade), 'payment', keys, NOW), {
      kind: 'found',
      state: 'succeeded',
      channelReference: '4200001',
      amount: 1050,
      currency: 'CNY',
    });
    const notPaid = {
      out_trade_no: 'pay_1',
      trade_state: 'NOTPAY',
      amount: { total: 1050, currency: 'CNY' },
    };
    assert.deepEqual(readQuery(answer(200, notPaid), 'payment', keys, NOW), {
      kind: 'found',
      state: 'pending',
      channelReference: '',
      amount: 1050,
      currency: 'CNY',
    });
    assert.equal(
      (readQuery(answer(200, { ...trade, trade_state: 'CLOSED' }), 'payment', keys, NOW) as any).state,
      'failed',
    );
    assert.deepEqual(
      readQuery(unsigned(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }), 'payment', keys, NOW),
      {
        kind: 'not_found',
      },
    );
    const refund = {
      refund_id: '50000',
      out_refund_no: 're_1',
      status: 'SUCCESS',
      amount: { refund: 300, currency: 'CNY' },
    };
    assert.deepEqual(readQuery(answer(200, refund), 'refund', keys, NOW), {
      kind: 'found',
      state: 'succeeded',
      channelReference: '50000',
      amount: 300,
      currency: 'CNY',
    });
    assert.equal(readQuery(unsigned(200, trade), 'payment', keys, NOW).kind, 'unknown');
    assert.equal(readQuery(unsigned(500, { code: 'SYSTEM_ERROR' }), 'payment', keys, NOW).kind, 'unknown');
  });

  it("reads a trade bill's announcement (download_url, SHA1), or why there is none", () => {
    const announced = {
      hash_type: 'SHA1',
      hash_value: '79bb0f45fc4c42234a918000b2668d689e2bde04',
      download_url: 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=xxx',
    };
    assert.deepEqual(readTradeBill(answer(200, announced), keys, NOW), {
      kind: 'bill',
      url: announced.download_url,
      hashType: 'sha1',
      hashValue: announced.hash_value,
    });
    assert.equal(
      readTradeBill(answer(200, announced, { signer: merchantPrivate }), keys, NOW).kind,
      'unknown',
    );
    assert.equal(readTradeBill(answer(200, { ...announced, hash_type: 'MD5' }), keys, NOW).kind, 'unknown');
    const none = readTradeBill(
      unsigned(400, { code: 'NO_STATEMENT_EXIST', message: '账单文件不存在' }),
      keys,
      NOW,
    );
    assert.equal(none.kind === 'declined' && none.code, 'NO_STATEMENT_EXIST');
  });
});
