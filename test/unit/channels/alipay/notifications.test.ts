/**
 * Alipay async notifies, as Alipay's side signs them with its platform key, read by ours. alipay-sdk
 * has no notify signer (that is Alipay's server side), so most vectors are signed here by the documented
 * rule (every parameter but sign and sign_type) and must first pass alipay-sdk's own verifier,
 * `AlipaySdk#checkNotifySignV2` (configured with Alipay's public key), the reference for what is signed
 * and how values are read. alipay-sdk's own signer, `AlipaySdk#sdkExecute` configured with Alipay's
 * private key, makes the vectors whose signature also covers sign_type, which Alipay's SDKs accept too.
 */
import assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import { describe, it } from 'node:test';
import { AlipaySdk } from 'alipay-sdk';
import fc from 'fast-check';
import { ALIPAY_ACK, readAlipayNotify } from '../../../../shared/channels/alipay/notifications.js';
import { loadPublicKeys } from '../../../../shared/channels/alipay/sign.js';
import { NotificationBodyError, NotificationError } from '../../../../shared/channels/protocol.js';
import { APP_ID, merchantPrivate, merchantPublic, platformPrivate, platformPublic } from './keys.js';

const sdk = new AlipaySdk({
  appId: APP_ID,
  privateKey: merchantPrivate,
  keyType: 'PKCS8',
  alipayPublicKey: platformPublic,
});
const options = { alipayKeys: [platformPublic], appId: APP_ID };

/** Alipay's side: RSA2 over the sorted non-empty params but sign and sign_type, then form-encoded. */
function notify(
  params: Record<string, string>,
  key = platformPrivate,
): { form: string; params: Record<string, string> } {
  const content = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  const sign = createSign('RSA-SHA256').update(content, 'utf8').sign(key, 'base64');
  const signed = { ...params, sign_type: 'RSA2', sign };
  return { form: new URLSearchParams(signed).toString(), params: signed };
}

const paid = {
  notify_time: '2026-12-06 22:00:09',
  notify_type: 'trade_status_sync',
  notify_id: '2026120600222220009abcdef01',
  app_id: APP_ID,
  charset: 'utf-8',
  version: '1.0',
  trade_no: '2026120622001400001234567890',
  out_trade_no: 'pay_01HZX3',
  trade_status: 'TRADE_SUCCESS',
  total_amount: '10.50',
  receipt_amount: '10.50',
  gmt_create: '2026-12-06 22:00:01',
  gmt_payment: '2026-12-06 22:00:08',
  subject: 'Order 7 100% paid + more',
  buyer_logon_id: '159****5620',
};
const refunded = {
  ...paid,
  notify_id: '2026120600222220010abcdef02',
  out_biz_no: 're_01HZX4',
  refund_fee: '13.00',
  gmt_refund: '2026-12-06 23:10:00.250',
  trade_status: 'TRADE_CLOSED',
};
const refusal = (code: string) => (error: unknown) =>
  error instanceof NotificationError && error.code === code;

describe('Alipay notifies', () => {
  it('reads a paid trade (verified by alipay-sdk first)', () => {
    // Prepare
    const { form, params } = notify(paid);
    assert.equal(sdk.checkNotifySignV2(params), true);
    // Act
    const read = readAlipayNotify(Buffer.from(form), options);
    // Assess
    assert.deepEqual(read, {
      kind: 'outcome',
      event: {
        eventId: '2026120600222220009abcdef01',
        subject: 'payment',
        outcome: 'succeeded',
        reference: 'pay_01HZX3',
        channelReference: '2026120622001400001234567890',
        amount: 1050,
        currency: 'CNY',
        occurredAt: '2026-12-06T14:00:08.000Z',
      },
    });
  });

  it('maps trade_status: TRADE_FINISHED succeeded, TRADE_CLOSED failed, WAIT_BUYER_PAY ignored', () => {
    const status = (trade_status: string) =>
      readAlipayNotify(notify({ ...paid, trade_status, gmt_close: '2026-12-06 22:30:00' }).form, options);
    const finished = status('TRADE_FINISHED');
    const closed = status('TRADE_CLOSED');
    assert.equal(finished.kind === 'outcome' && finished.event.outcome, 'succeeded');
    assert.equal(closed.kind === 'outcome' && closed.event.outcome, 'failed');
    assert.equal(closed.kind === 'outcome' && closed.event.occurredAt, '2026-12-06T14:30:00.000Z');
    assert.deepEqual(status('WAIT_BUYER_PAY'), {
      kind: 'ignored',
      eventId: paid.notify_id,
      type: 'WAIT_BUYER_PAY',
    });
  });

  it('reads a refund notify: out_biz_no, the cumulative refund_fee, gmt_refund', () => {
    for (const trade_status of ['TRADE_CLOSED', 'TRADE_SUCCESS']) {
      const { form, params } = notify({ ...refunded, trade_status });
      assert.equal(sdk.checkNotifySignV2(params), true);
      assert.deepEqual(readAlipayNotify(form, options), {
        kind: 'outcome',
        event: {
          eventId: '2026120600222220010abcdef02',
          subject: 'refund',
          outcome: 'succeeded',
          reference: 're_01HZX4',
          channelReference: '2026120622001400001234567890',
          amount: 1300,
          cumulativeRefunded: 1300,
          currency: 'CNY',
          occurredAt: '2026-12-06T15:10:00.250Z',
        },
      });
    }
  });

  it('uses notify_id as the event id, so a redelivery is the same event', () => {
    const first = readAlipayNotify(notify(paid).form, options);
    const again = readAlipayNotify(notify({ ...paid, notify_time: '2026-12-06 22:04:09' }).form, options);
    assert.equal(
      first.kind === 'outcome' && again.kind === 'outcome' && first.event.eventId === again.event.eventId,
      true,
    );
  });

  it('verifies values as received: a literal % or + in a value is decoded once, never twice', () => {
    // Prepare: alipay-sdk's first checkNotifySign decoded twice and failed on exactly this
    const { form, params } = notify({ ...paid, subject: '100%25 off+more %E4 & = ?' });
    assert.equal(sdk.checkNotifySignV2(params), true);
    // Act / Assess
    assert.equal(readAlipayNotify(form, options).kind, 'outcome');
  });

  it('agrees with alipay-sdk on any parameter values, and both refuse them tampered', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (subject, body) => {
          const { form, params } = notify({ ...paid, subject, body });
          assert.equal(sdk.checkNotifySignV2(params), true);
          assert.equal(readAlipayNotify(form, options).kind, 'outcome');
          const tampered = { ...params, subject: `${subject}x` };
          assert.equal(sdk.checkNotifySignV2(tampered), false);
          assert.throws(
            () => readAlipayNotify(new URLSearchParams(tampered).toString(), options),
            refusal('mismatch'),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("reads a sign whose '+' its sender left unescaped", () => {
    // Prepare: a signature with a '+' in it, sent raw
    let n = 0;
    let vector = notify({ ...paid, notify_id: `${paid.notify_id}${n}` });
    while (!vector.params.sign!.includes('+'))
      vector = notify({ ...paid, notify_id: `${paid.notify_id}${++n}` });
    const raw = vector.form.replace(
      /sign=[^&]*/,
      `sign=${vector.params.sign!.replaceAll('/', '%2F').replaceAll('=', '%3D')}`,
    );
    assert.match(raw, /&sign=[^&]*\+/);
    // Act / Assess
    assert.equal(readAlipayNotify(raw, options).kind, 'outcome');
  });

  it('leaves empty parameters out of what is signed', () => {
    assert.equal(readAlipayNotify(notify({ ...paid, passback_params: '' }).form, options).kind, 'outcome');
  });

  it('refuses a missing, forged or tampered signature', () => {
    const { params } = notify(paid);
    const { sign: _sign, ...unsigned } = params;
    assert.throws(
      () => readAlipayNotify(new URLSearchParams(unsigned).toString(), options),
      refusal('missing'),
    );
    assert.throws(() => readAlipayNotify(notify(paid, merchantPrivate).form, options), refusal('mismatch'));
    const tampered = new URLSearchParams({ ...params, total_amount: '1050.00' }).toString();
    assert.throws(() => readAlipayNotify(tampered, options), refusal('mismatch'));
  });

  it("accepts either of Alipay's keys while it rotates", () => {
    // Prepare: the merchant pair stands in for Alipay's next key pair
    const rotating = { ...options, alipayKeys: [platformPublic, merchantPublic] };
    // Act / Assess
    assert.equal(readAlipayNotify(notify(paid).form, rotating).kind, 'outcome');
    assert.equal(readAlipayNotify(notify(paid, merchantPrivate).form, rotating).kind, 'outcome');
    assert.throws(() => readAlipayNotify(notify(paid, merchantPrivate).form, options), refusal('mismatch'));
  });

  it('refuses a malformed notify: not RSA2, another app, a parameter sent twice', () => {
    const { params } = notify(paid);
    assert.throws(
      () => readAlipayNotify(new URLSearchParams({ ...params, sign_type: 'RSA' }).toString(), options),
      refusal('malformed'),
    );
    assert.throws(
      () => readAlipayNotify(notify({ ...paid, app_id: '2021000000000002' }).form, options),
      refusal('malformed'),
    );
    assert.throws(
      () => readAlipayNotify(`${notify(paid).form}&trade_status=TRADE_CLOSED`, options),
      refusal('malformed'),
    );
  });

  it('refuses a signed notify with a field it cannot read as a bad body (400), naming the field', () => {
    const unreadable = (path: string) => (error: unknown) =>
      error instanceof NotificationBodyError && error.issues.some((issue) => issue.path === path);
    assert.throws(
      () => readAlipayNotify(notify({ ...paid, total_amount: '10.505' }).form, options),
      unreadable('total_amount'),
    );
    assert.throws(
      () => readAlipayNotify(notify({ ...paid, total_amount: '1e3' }).form, options),
      unreadable('total_amount'),
    );
    assert.throws(
      () => readAlipayNotify(notify({ ...refunded, out_biz_no: 'pay_x' }).form, options),
      unreadable('out_biz_no'),
    );
    const { trade_no: _t, ...withoutTradeNo } = paid;
    assert.throws(() => readAlipayNotify(notify(withoutTradeNo).form, options), unreadable('trade_no'));
    // Unsigned, the same body is refused for its signature first.
    const forged = notify({ ...paid, total_amount: '10.505' }, merchantPrivate).form;
    assert.throws(() => readAlipayNotify(forged, options), refusal('mismatch'));
  });

  it("reads a notify signed by alipay-sdk's own signer with Alipay's key (sign_type covered too)", () => {
    // Prepare: sdkExecute signs every parameter but sign and answers them form-encoded, a notify body
    const alipay = new AlipaySdk({ appId: APP_ID, privateKey: platformPrivate, keyType: 'PKCS8' });
    const { app_id: _a, charset: _c, version: _v, ...fields } = paid;
    const form = alipay.sdkExecute('alipay.trade.notify', fields, { bizContentAutoSnakeCase: false });
    assert.equal(sdk.checkNotifySignV2(Object.fromEntries(new URLSearchParams(form))), true);
    // Act
    const read = readAlipayNotify(form, options);
    // Assess
    assert.equal(read.kind === 'outcome' && read.event.reference, 'pay_01HZX3');
    assert.equal(read.kind === 'outcome' && read.event.amount, 1050);
    const tampered = form.replace('total_amount=10.50', 'total_amount=10.51');
    assert.throws(() => readAlipayNotify(tampered, options), refusal('mismatch'));
  });

  it('reads a notify without sign_type as RSA2, as alipay-sdk does', () => {
    const { params } = notify(paid);
    const { sign_type: _t, ...withoutType } = params;
    assert.equal(sdk.checkNotifySignV2(withoutType), true);
    assert.equal(readAlipayNotify(new URLSearchParams(withoutType).toString(), options).kind, 'outcome');
  });

  it('is acknowledged with a 200 text/plain "success"', () => {
    assert.deepEqual(ALIPAY_ACK, { status: 200, contentType: 'text/plain', body: 'success' });
  });
});

describe('Alipay keys', () => {
  it('loads public keys once and refuses a mangled one at load', () => {
    const [key] = loadPublicKeys([platformPublic]);
    assert.equal(readAlipayNotify(notify(paid).form, { ...options, alipayKeys: [key!] }).kind, 'outcome');
    assert.throws(() => loadPublicKeys([platformPublic.replace('MIIB', 'MIIC')]));
  });
});
