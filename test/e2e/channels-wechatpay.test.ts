/**
 * The WeChat Pay channel end to end on the local runtime: a CNY payment pinned to WeChat Pay reaches the
 * WeChat Pay simulator (API v3 requests signed with our merchant key, the contract's local credentials
 * from the emulator's Secrets Manager), succeeds by its signed, encrypted notification, is refunded twice
 * in part, and a reconciliation run of WeChat Pay's day reads its own backtick trade bill and matches all
 * three. Notifications made with wechatpay-axios-plugin (`Aes.AesGcm`, `Rsa`, `Formatter`): signed with
 * another key or more than 300 s old → 401 problem+json; redelivered → 204 and nothing applied twice. An
 * amount ending in 13 is closed unpaid, which WeChat Pay never notifies: the channel check (its bound
 * shortened to 2 s) finds it closed and fails it `declined`. A notification whose amount disagrees is
 * acknowledged, recorded, and the payment is not marked succeeded. Last, a CNY payment routed by a
 * merchant rule (priority alipay, wechatpay) whose Alipay submission is answered 503 fails over to WeChat
 * Pay and succeeds there.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { mismatchesOf, reconcileToday, refundAndSettle, testKey } from '../support/channel-flows.js';
import { useLocalRuntime } from '../support/e2e.js';
import { isProblem, MERCHANT_1 } from '../support/http.js';

const e2e = useLocalRuntime({
  functionEnvironment: { CHANNEL_CHECK_DELAYS: 'wechatpay=2', CHANNEL_CHECK_MAX: '3' },
});
const MCHID = '1900000001';
const PLATFORM_SERIAL = 'PUB_KEY_ID_0000000000000001';
const API_V3_KEY = 'LocalApiV3Key0123456789abcdefghi';
const platformPrivate = testKey('wechatpay-platform-private');
/** A forger has only some key that is not the platform's (here our merchant key). */
const otherPrivate = testKey('wechatpay-merchant-private');
const CONFIG_TTL_WAIT_MS = 1_100;

interface Notification {
  readonly body: string;
  /** Headers signed by `key` at `timestamp` (unix seconds), as WeChat Pay's platform signs them. */
  headers(key?: string, timestamp?: number): Record<string, string>;
}

/** A TRANSACTION.SUCCESS notification, its resource encrypted with the APIv3 key. */
function transactionSuccess(resource: Record<string, unknown>): Notification {
  const nonce = randomBytes(6).toString('hex');
  const body = JSON.stringify({
    id: `EV-e2e-${randomBytes(8).toString('hex')}`,
    create_time: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: Aes.AesGcm.encrypt(JSON.stringify(resource), API_V3_KEY, nonce, 'transaction'),
      associated_data: 'transaction',
      nonce,
    },
  });
  return {
    body,
    headers(key = platformPrivate, timestamp = Math.floor(Date.now() / 1000)) {
      const t = String(timestamp);
      const n = randomBytes(16).toString('hex');
      return {
        'content-type': 'application/json',
        'wechatpay-timestamp': t,
        'wechatpay-nonce': n,
        'wechatpay-serial': PLATFORM_SERIAL,
        'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
        'wechatpay-signature': Rsa.sign(Formatter.response(t, n, body), key),
      };
    },
  };
}

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(`${e2e.runtime.url}/v1/channels/wechatpay/callbacks`, {
    method: 'POST',
    headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

const attemptsOf = (p: { routing: { attempts: { channel: string; outcome: string }[] } }) =>
  p.routing.attempts.map((a) => [a.channel, a.outcome]);

describe('WeChat Pay channel (local runtime)', () => {
  let paymentId = '';
  let transactionId = '';

  it('takes a CNY payment pinned to WeChat Pay and refunds it twice in part', async () => {
    // Act: pay
    const created = await e2e.api.createPayment({ amount: 2500, currency: 'CNY', channel: 'wechatpay' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.channel, 'wechatpay');
    paymentId = created.body.id;
    const paid = await e2e.api.waitForPayment(paymentId, (p) => p.status !== 'processing');
    // Assess
    assert.equal(paid.status, 'succeeded', JSON.stringify(paid));
    assert.match(paid.channelReference, /^42000\d{23}$/);
    transactionId = paid.channelReference;
    assert.deepEqual(attemptsOf(paid), [['wechatpay', 'succeeded']]);

    // Act: refunds
    const first = await refundAndSettle(e2e, paymentId, 1000);
    const second = await refundAndSettle(e2e, paymentId, 500);
    // Assess
    assert.equal(first.status, 'succeeded');
    assert.equal(second.status, 'succeeded');
    assert.equal((await e2e.api.get(`/v1/payments/${paymentId}`)).body.amountRefunded, 1500);
  });

  it('refuses forged and stale notifications with 401 problem+json; a redelivery is acknowledged and applies nothing twice', async () => {
    // Prepare
    assert.ok(paymentId, 'runs after the payment above');
    const before = (await e2e.api.get(`/v1/payments/${paymentId}`)).body;
    const refunds = (await e2e.api.get(`/v1/payments/${paymentId}/refunds`)).body.data;
    const notification = transactionSuccess({
      mchid: MCHID,
      appid: 'wx0000000000000001',
      out_trade_no: paymentId,
      transaction_id: transactionId,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      success_time: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      amount: { total: 2500, payer_total: 2500, currency: 'CNY', payer_currency: 'CNY' },
    });
    // Act
    const forged = await post(notification.body, notification.headers(otherPrivate));
    const stale = await post(
      notification.body,
      notification.headers(platformPrivate, Math.floor(Date.now() / 1000) - 301),
    );
    const first = await post(notification.body, notification.headers());
    const again = await post(notification.body, notification.headers());
    // Assess
    assert.ok(isProblem(forged, 401), forged.text);
    assert.ok(isProblem(stale, 401), stale.text);
    assert.equal(first.status, 204, first.text);
    assert.equal(again.status, 204, again.text);
    assert.deepEqual((await e2e.api.get(`/v1/payments/${paymentId}`)).body, before);
    assert.deepEqual((await e2e.api.get(`/v1/payments/${paymentId}/refunds`)).body.data, refunds);
  });

  it("reconciles WeChat Pay's day from its own trade bill: the payment and both refunds match", async () => {
    // Act
    const run = await reconcileToday(e2e, 'wechatpay');
    // Assess
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.source, 'channel');
    assert.deepEqual(run.counts, {
      matched: 3,
      localMissing: 0,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 0,
    });
  });

  it('fails a WeChat Pay payment whose amount ends in 13 as declined, found closed by the channel check', async () => {
    const created = await e2e.api.createPayment({ amount: 1313, currency: 'CNY', channel: 'wechatpay' });
    assert.equal(created.status, 201, created.text);
    const settled = await e2e.api.waitForPayment(created.body.id, (p) => p.status !== 'processing');
    assert.equal(settled.status, 'failed');
    assert.equal(settled.failureCode, 'declined');
  });

  it('acknowledges a notification whose amount disagrees, records it and does not mark the payment succeeded', async () => {
    // Prepare: an order WeChat Pay takes but never settles, so only our notification speaks of it
    const created = await e2e.api.createPayment({
      amount: 3000,
      currency: 'CNY',
      channel: 'wechatpay',
      metadata: { sandbox_outcome_wechatpay: 'none' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    const notification = transactionSuccess({
      mchid: MCHID,
      out_trade_no: id,
      transaction_id: '4200009999202612060000000001',
      trade_state: 'SUCCESS',
      amount: { total: 300, currency: 'CNY' },
    });
    // Act
    const ack = await post(notification.body, notification.headers());
    await sleep(1500);
    // Assess
    assert.equal(ack.status, 204, ack.text);
    const payment = (await e2e.api.get(`/v1/payments/${id}`)).body;
    assert.equal(payment.status, 'processing');
    const recorded = await mismatchesOf(e2e, id);
    assert.deepEqual(
      recorded.map((m) => [m.fields, m.reported.amount, m.expected.amount]),
      [[['amount'], 300, 3000]],
    );
  });

  it('fails a routed CNY payment over from an unavailable Alipay to WeChat Pay, where it succeeds', async () => {
    // Prepare
    const put = await e2e.ops.request('PUT', `/v1/ops/merchants/${MERCHANT_1.id}/routing`, {
      body: {
        rules: [
          {
            name: 'cny',
            when: { currencies: ['CNY'] },
            strategy: 'priority',
            channels: ['alipay', 'wechatpay'],
          },
        ],
      },
    });
    assert.equal(put.status, 200, put.text);
    await sleep(CONFIG_TTL_WAIT_MS);
    // Act
    const created = await e2e.api.createPayment({
      amount: 4200,
      currency: 'CNY',
      metadata: { sandbox_outcome_alipay: 'unavailable' },
    });
    assert.equal(created.status, 201, created.text);
    const paid = await e2e.api.waitForPayment(created.body.id, (p) => p.status !== 'processing');
    // Assess
    assert.equal(paid.status, 'succeeded', JSON.stringify(paid));
    assert.equal(paid.channel, 'wechatpay');
    assert.equal(paid.routing.rule, 'cny');
    assert.equal(paid.routing.chosen, 'alipay');
    assert.deepEqual(paid.routing.candidates, ['alipay', 'wechatpay']);
    assert.deepEqual(attemptsOf(paid), [
      ['alipay', 'unavailable'],
      ['wechatpay', 'succeeded'],
    ]);
  });
});
