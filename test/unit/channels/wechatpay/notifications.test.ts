/**
 * WeChat Pay notifications made the way WeChat Pay makes them, with wechatpay-axios-plugin: the
 * resource encrypted by `Aes.AesGcm.encrypt(plaintext, apiV3Key, nonce, associatedData)`, the body
 * signed by `Rsa.sign(Formatter.response(timestamp, nonce, body), platformPrivateKey)`; ours must read
 * them, and `Aes.AesGcm.decrypt` must read what ours decrypts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { NotificationBodyError, NotificationError } from '../../../../shared/channels/protocol.js';
import {
  decryptResource,
  readWechatpayNotification,
  WECHATPAY_ACK,
} from '../../../../shared/channels/wechatpay/notifications.js';
import {
  API_V3_KEY,
  MCHID,
  merchantPrivate,
  merchantPublic,
  PLATFORM_SERIAL,
  platformPrivate,
  platformPublic,
} from './keys.js';

const NOW = 1_900_000_000;
const options = {
  platformKeys: { [PLATFORM_SERIAL]: platformPublic },
  apiV3Keys: [API_V3_KEY],
  mchid: MCHID,
};

const paid = {
  mchid: MCHID,
  appid: 'wx0000000000000001',
  out_trade_no: 'pay_01HZX3',
  transaction_id: '4200001234202612060000000001',
  trade_type: 'NATIVE',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  success_time: '2026-12-06T22:00:08+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 1050, payer_total: 1050, currency: 'CNY', payer_currency: 'CNY' },
};
const refunded = (refund_status: string) => ({
  mchid: MCHID,
  out_trade_no: 'pay_01HZX3',
  transaction_id: '4200001234202612060000000001',
  out_refund_no: 're_01HZX4',
  refund_id: '50000000382019052709732678859',
  refund_status,
  success_time: '2026-12-06T23:10:00+08:00',
  amount: { total: 1050, refund: 300, payer_total: 1050, payer_refund: 300 },
});

/** WeChat Pay's side: encrypt the resource, wrap it, sign the body. */
function notification(
  eventType: string,
  resource: object,
  o: { key?: string; signer?: string; serial?: string; timestamp?: number; id?: string } = {},
) {
  const iv = 'fdasflkja484';
  const aad = eventType.startsWith('REFUND') ? 'refund' : 'transaction';
  const body = JSON.stringify({
    id: o.id ?? 'EV-2018022511223320873',
    create_time: '2026-12-06T22:00:09+08:00',
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: '支付成功',
    resource: {
      original_type: aad,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: Aes.AesGcm.encrypt(JSON.stringify(resource), o.key ?? API_V3_KEY, iv, aad),
      associated_data: aad,
      nonce: iv,
    },
  });
  const timestamp = String(o.timestamp ?? NOW - 2);
  const nonce = 'c5ac7061fccab6bf3e254dcf98995b8c';
  const headers = {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': o.serial ?? PLATFORM_SERIAL,
    'Wechatpay-Signature': Rsa.sign(Formatter.response(timestamp, nonce, body), o.signer ?? platformPrivate),
  };
  return { headers, body };
}
const refusal = (code: string) => (error: unknown) =>
  error instanceof NotificationError && error.code === code;

describe('WeChat Pay notifications', () => {
  it('reads TRANSACTION.SUCCESS', () => {
    // Prepare
    const { headers, body } = notification('TRANSACTION.SUCCESS', paid);
    // Act
    const read = readWechatpayNotification(headers, Buffer.from(body), options, NOW);
    // Assess
    assert.deepEqual(read, {
      kind: 'outcome',
      event: {
        eventId: 'EV-2018022511223320873',
        subject: 'payment',
        outcome: 'succeeded',
        reference: 'pay_01HZX3',
        channelReference: '4200001234202612060000000001',
        amount: 1050,
        currency: 'CNY',
        occurredAt: '2026-12-06T14:00:08.000Z',
      },
    });
  });

  it('reads REFUND.SUCCESS as succeeded, REFUND.ABNORMAL and REFUND.CLOSED as failed', () => {
    for (const [type, status, outcome] of [
      ['REFUND.SUCCESS', 'SUCCESS', 'succeeded'],
      ['REFUND.ABNORMAL', 'ABNORMAL', 'failed'],
      ['REFUND.CLOSED', 'CLOSED', 'failed'],
    ] as const) {
      const { headers, body } = notification(type, refunded(status));
      assert.deepEqual(readWechatpayNotification(headers, body, options, NOW), {
        kind: 'outcome',
        event: {
          eventId: 'EV-2018022511223320873',
          subject: 'refund',
          outcome,
          reference: 're_01HZX4',
          channelReference: '50000000382019052709732678859',
          amount: 300,
          currency: 'CNY',
          occurredAt: '2026-12-06T15:10:00.000Z',
        },
      });
    }
  });

  it("reads notifications carrying only the contract's fields", () => {
    // Prepare: no mchid, success_time, refund_status, summary; create_time is then the time
    const { headers, body } = notification('TRANSACTION.SUCCESS', {
      out_trade_no: 'pay_01HZX3',
      transaction_id: '4200001',
      trade_state: 'SUCCESS',
      amount: { total: 1050, currency: 'CNY' },
    });
    const refund = notification('REFUND.CLOSED', {
      out_refund_no: 're_01HZX4',
      refund_id: '5000',
      amount: { refund: 300 },
    });
    // Act
    const payment = readWechatpayNotification(headers, body, options, NOW);
    const refundRead = readWechatpayNotification(refund.headers, refund.body, options, NOW);
    // Assess
    assert.equal(payment.kind === 'outcome' && payment.event.occurredAt, '2026-12-06T14:00:09.000Z');
    assert.equal(payment.kind === 'outcome' && payment.event.amount, 1050);
    assert.equal(refundRead.kind === 'outcome' && refundRead.event.outcome, 'failed');
  });

  it('ignores a TRANSACTION.SUCCESS whose trade_state is not SUCCESS', () => {
    const { headers, body } = notification('TRANSACTION.SUCCESS', { ...paid, trade_state: 'CLOSED' });
    assert.equal(readWechatpayNotification(headers, body, options, NOW).kind, 'ignored');
  });

  it('acknowledges other event types without decrypting them', () => {
    const { headers, body } = notification(
      'MCHTRANSFER.BILL.FINISHED',
      { whatever: true },
      { key: 'x'.repeat(32) },
    );
    assert.deepEqual(readWechatpayNotification(headers, body, options, NOW), {
      kind: 'ignored',
      eventId: 'EV-2018022511223320873',
      type: 'MCHTRANSFER.BILL.FINISHED',
    });
    assert.deepEqual(WECHATPAY_ACK, { status: 204, body: '' });
  });

  it('gives a redelivery the same event id', () => {
    const first = notification('TRANSACTION.SUCCESS', paid, { timestamp: NOW - 200 });
    const again = notification('TRANSACTION.SUCCESS', paid, { timestamp: NOW });
    assert.deepEqual(
      readWechatpayNotification(first.headers, first.body, options, NOW),
      readWechatpayNotification(again.headers, again.body, options, NOW),
    );
  });

  it('refuses missing headers, a forged or tampered body, a stale timestamp, an unknown serial', () => {
    const { headers, body } = notification('TRANSACTION.SUCCESS', paid);
    const { 'Wechatpay-Signature': _s, ...unsigned } = headers;
    assert.throws(() => readWechatpayNotification(unsigned, body, options, NOW), refusal('missing'));
    const forged = notification('TRANSACTION.SUCCESS', paid, { signer: merchantPrivate });
    assert.throws(
      () => readWechatpayNotification(forged.headers, forged.body, options, NOW),
      refusal('mismatch'),
    );
    const tampered = body.replace('EV-2018022511223320873', 'EV-2018022511223320874');
    assert.throws(() => readWechatpayNotification(headers, tampered, options, NOW), refusal('mismatch'));
    for (const skew of [-301, 301]) {
      const stale = notification('TRANSACTION.SUCCESS', paid, { timestamp: NOW + skew });
      assert.throws(
        () => readWechatpayNotification(stale.headers, stale.body, options, NOW),
        refusal('stale'),
      );
    }
    const edge = notification('TRANSACTION.SUCCESS', paid, { timestamp: NOW - 300 });
    assert.equal(readWechatpayNotification(edge.headers, edge.body, options, NOW).kind, 'outcome');
    const other = notification('TRANSACTION.SUCCESS', paid, { serial: 'PUB_KEY_ID_0000000000000002' });
    assert.throws(
      () => readWechatpayNotification(other.headers, other.body, options, NOW),
      refusal('unknown_serial'),
    );
    // WeChat Pay probes that merchants verify with signatures that begin so; they must never pass.
    const probe = {
      ...headers,
      'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${headers['Wechatpay-Signature']}`,
    };
    assert.throws(() => readWechatpayNotification(probe, body, options, NOW), refusal('mismatch'));
    const junk = { ...headers, 'Wechatpay-Timestamp': '1900000000.5' };
    assert.throws(() => readWechatpayNotification(junk, body, options, NOW), refusal('malformed'));
  });

  it('trusts every platform key listed while WeChat Pay rotates them, by serial', () => {
    // Prepare: the merchant pair stands in for the next platform key
    const rotating = {
      ...options,
      platformKeys: { [PLATFORM_SERIAL]: platformPublic, PUB_KEY_ID_NEXT: merchantPublic },
    };
    const next = notification('TRANSACTION.SUCCESS', paid, {
      signer: merchantPrivate,
      serial: 'PUB_KEY_ID_NEXT',
    });
    const old = notification('TRANSACTION.SUCCESS', paid);
    // Act / Assess
    assert.equal(readWechatpayNotification(next.headers, next.body, rotating, NOW).kind, 'outcome');
    assert.equal(readWechatpayNotification(old.headers, old.body, rotating, NOW).kind, 'outcome');
    // a key must sign under its own serial
    const swapped = notification('TRANSACTION.SUCCESS', paid, {
      signer: merchantPrivate,
      serial: PLATFORM_SERIAL,
    });
    assert.throws(
      () => readWechatpayNotification(swapped.headers, swapped.body, rotating, NOW),
      refusal('mismatch'),
    );
  });

  it('decrypts with the old or the new APIv3 key while it rotates, and refuses a wrong one', () => {
    const nextKey = 'NextApiV3Key0123456789abcdefghij';
    const { headers, body } = notification('TRANSACTION.SUCCESS', paid, { key: nextKey });
    assert.equal(
      readWechatpayNotification(headers, body, { ...options, apiV3Keys: [API_V3_KEY, nextKey] }, NOW).kind,
      'outcome',
    );
    assert.throws(() => readWechatpayNotification(headers, body, options, NOW), refusal('mismatch'));
  });

  it('decrypts exactly what wechatpay-axios-plugin encrypts, and refuses a changed associated_data', () => {
    const plaintext = JSON.stringify({ a: '支付', b: 1 });
    const ciphertext = Aes.AesGcm.encrypt(plaintext, API_V3_KEY, '0123456789ab', 'transaction');
    assert.equal(
      decryptResource({ ciphertext, nonce: '0123456789ab', associated_data: 'transaction' }, [API_V3_KEY]),
      plaintext,
    );
    assert.equal(Aes.AesGcm.decrypt(ciphertext, API_V3_KEY, '0123456789ab', 'transaction'), plaintext);
    assert.throws(
      () => decryptResource({ ciphertext, nonce: '0123456789ab', associated_data: 'refund' }, [API_V3_KEY]),
      refusal('mismatch'),
    );
  });

  it("refuses another merchant's notification", () => {
    const { headers, body } = notification('TRANSACTION.SUCCESS', { ...paid, mchid: '1900000002' });
    assert.throws(() => readWechatpayNotification(headers, body, options, NOW), refusal('malformed'));
  });

  it('refuses a signed body that is not a notification WeChat Pay sends as a bad body (400), naming the field', () => {
    const cases = [
      [notification('TRANSACTION.SUCCESS', { ...paid, out_trade_no: 'ORDER-7' }), 'resource.out_trade_no'],
      [
        notification('TRANSACTION.SUCCESS', { ...paid, amount: { total: 10.5, currency: 'CNY' } }),
        'resource.amount.total',
      ],
      [
        notification('REFUND.SUCCESS', { ...refunded('SUCCESS'), out_refund_no: undefined }),
        'resource.out_refund_no',
      ],
    ] as const;
    for (const [{ headers, body }, path] of cases)
      assert.throws(
        () => readWechatpayNotification(headers, body, options, NOW),
        (error) => error instanceof NotificationBodyError && error.issues.some((i) => i.path === path),
      );
    const timestamp = String(NOW);
    const notJson = 'not json';
    const headers = {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': 'n',
      'wechatpay-serial': PLATFORM_SERIAL,
      'wechatpay-signature': Rsa.sign(Formatter.response(timestamp, 'n', notJson), platformPrivate),
    };
    assert.throws(
      () => readWechatpayNotification(headers, notJson, options, NOW),
      (error) => error instanceof NotificationBodyError && /not JSON/.test(error.message),
    );
    // Unsigned, the same body is refused for its signature first.
    const forged = {
      ...headers,
      'wechatpay-signature': Rsa.sign(Formatter.response(timestamp, 'n', notJson), merchantPrivate),
    };
    assert.throws(() => readWechatpayNotification(forged, notJson, options, NOW), refusal('mismatch'));
  });
});
