/**
 * The Alipay simulator driven by the product's own signed requests (shared/channels/alipay) and by
 * alipay-sdk as a client (which verifies the answers' signatures itself), its notifies checked with
 * alipay-sdk's `checkNotifySignV2` and read by the product's reader, its GBK bill read by the product's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { AlipaySdk } from 'alipay-sdk';
import { readAlipayNotify } from '../../../shared/channels/alipay/notifications.js';
import { precreate, query, refund } from '../../../shared/channels/alipay/requests.js';
import { readQuery, readSubmission } from '../../../shared/channels/alipay/responses.js';
import type { ChannelReply, ChannelRequest } from '../../../shared/channels/protocol.js';
import { parseNativeStatement } from '../../../shared/domain/reconciliation/native/index.js';
import { startAlipaySimulator } from '../../src/channels/alipay.js';
import type { SimulatorServer } from '../../src/channels/common.js';
import { type Delivery, type Receiver, startReceiver } from './receiver.js';

const read = (name: string) =>
  readFileSync(new URL(`../../channel-test-keys/${name}.pem`, import.meta.url), 'utf8');
const APP_ID = '2021000000000001';
const merchantPrivate = read('alipay-merchant-private');
const platformPublic = read('alipay-platform-public');
const keys = [platformPublic];

async function send(request: ChannelRequest, signal?: AbortSignal): Promise<ChannelReply> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(signal ? { signal } : {}),
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  };
}

const paramsOf = (d: Delivery) => Object.fromEntries(new URLSearchParams(d.body));

/** Our request with `passback_params` (the sandbox's metadata) added to biz_content, signed again. */
function withMetadata(
  credentials: { appId: string; privateKey: string; gateway: string },
  reference: string,
  amount: number,
  metadata: string,
): ChannelRequest {
  const sdk = new AlipaySdk({ appId: APP_ID, privateKey: merchantPrivate, keyType: 'PKCS8' });
  const body = sdk.sdkExecute('alipay.trade.precreate', {
    bizContent: {
      out_trade_no: reference,
      total_amount: (amount / 100).toFixed(2),
      subject: 'Order',
      passback_params: encodeURIComponent(metadata),
    },
  });
  return {
    method: 'POST',
    url: `${credentials.gateway}?charset=utf-8`,
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body,
  };
}

describe('Alipay simulator', () => {
  let receiver: Receiver;
  let sim: SimulatorServer;
  let credentials: { appId: string; privateKey: string; gateway: string };
  let n = 0;
  const ref = (prefix: 'pay' | 're') => `${prefix}_A${Date.now()}x${++n}`;
  const forTrade = (outTradeNo: string) => (d: Delivery) => paramsOf(d).out_trade_no === outTradeNo;

  before(async () => {
    receiver = await startReceiver({ status: 200, body: 'success' });
    sim = await startAlipaySimulator({
      callbackUrl: () => receiver.url,
      merchantPublicKey: read('alipay-merchant-public'),
      platformPrivateKey: read('alipay-platform-private'),
      delayMs: 20,
      retryBaseMs: 10,
      holdMs: 2000,
    });
    credentials = { appId: APP_ID, privateKey: merchantPrivate, gateway: `${sim.url}/gateway.do` };
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  it('precreates, then notifies TRADE_SUCCESS signed with Alipay key; a query finds the trade', async () => {
    const reference = ref('pay');
    const reply = await send(
      precreate(credentials, { reference, amount: 1050, subject: 'Order' }, new Date()),
    );
    const submitted = readSubmission(reply, 'alipay.trade.precreate', keys);
    assert.equal(submitted.kind, 'accepted', JSON.stringify(submitted));

    const delivery = await receiver.next(forTrade(reference));
    const params = paramsOf(delivery);
    const verifier = new AlipaySdk({
      appId: APP_ID,
      privateKey: merchantPrivate,
      keyType: 'PKCS8',
      alipayPublicKey: platformPublic,
    });
    assert.equal(verifier.checkNotifySignV2(params), true);
    assert.equal(verifier.checkNotifySignV2({ ...params, total_amount: '1.00' }), false);
    assert.equal(params.trade_status, 'TRADE_SUCCESS');
    const notified = readAlipayNotify(delivery.body, { alipayKeys: keys, appId: APP_ID });
    assert.ok(notified.kind === 'outcome', JSON.stringify(notified));
    assert.equal(notified.event.reference, reference);
    assert.equal(notified.event.outcome, 'succeeded');
    assert.equal(notified.event.amount, 1050);

    const found = readQuery(await send(query(credentials, reference, new Date())), keys);
    assert.equal(found.kind === 'found' && found.state, 'succeeded');
    assert.equal(found.kind === 'found' && found.amount, 1050);

    // alipay-sdk verifies a success answer's sign itself (validateSign), and refuses one it cannot verify.
    const sdkClient = (alipayPublicKey: string) =>
      new AlipaySdk({
        appId: APP_ID,
        privateKey: merchantPrivate,
        keyType: 'PKCS8',
        alipayPublicKey,
        gateway: credentials.gateway,
      });
    const viaSdk = (await sdkClient(platformPublic).exec(
      'alipay.trade.query',
      { bizContent: { out_trade_no: reference } },
      { validateSign: true },
    )) as Record<string, unknown>;
    assert.equal(viaSdk.code, '10000');
    assert.equal(viaSdk.tradeStatus ?? viaSdk.trade_status, 'TRADE_SUCCESS');
    await assert.rejects(
      sdkClient(read('alipay-merchant-public')).exec(
        'alipay.trade.query',
        { bizContent: { out_trade_no: reference } },
        { validateSign: true },
      ),
      /sign|验签/i,
    );
  });

  it('answers a badly signed request with isv.invalid-signature, signed, which the product reads as unavailable', async () => {
    const other = read('alipay-platform-private');
    const reply = await send(
      precreate(
        { ...credentials, privateKey: other },
        { reference: ref('pay'), amount: 100, subject: 'x' },
        new Date(),
      ),
    );
    assert.equal(JSON.parse(reply.body).alipay_trade_precreate_response.sub_code, 'isv.invalid-signature');
    const result = readSubmission(reply, 'alipay.trade.precreate', keys);
    assert.equal(result.kind, 'unavailable');
    assert.equal(result.kind === 'unavailable' && result.code, 'isv.invalid-signature');
  });

  it('answers alipay-sdk as a client, common parameters in the query string, an error in the shape it reads', async () => {
    const client = new AlipaySdk({
      appId: APP_ID,
      privateKey: merchantPrivate,
      keyType: 'PKCS8',
      alipayPublicKey: platformPublic,
      gateway: `${sim.url}/gateway.do`,
    });
    const result = (await client.exec('alipay.trade.query', {
      bizContent: { out_trade_no: 'pay_neverSeen' },
    })) as { code: string; subCode?: string; sub_code?: string };
    assert.equal(result.code, '40004');
    assert.equal(result.subCode ?? result.sub_code, 'ACQ.TRADE_NOT_EXIST');
  });

  it('fails an amount ending in 13 with TRADE_CLOSED; passback_params carries the sandbox outcome', async () => {
    const failing = ref('pay');
    await send(precreate(credentials, { reference: failing, amount: 2013, subject: 'Order' }, new Date()));
    assert.equal(paramsOf(await receiver.next(forTrade(failing))).trade_status, 'TRADE_CLOSED');
    assert.equal(readQuery(await send(query(credentials, failing, new Date())), keys).kind, 'found');

    const forced = ref('pay');
    const metadata = 'sandbox_outcome=fail&sandbox_outcome_alipay=succeed';
    const reply = await send(withMetadata(credentials, forced, 2013, metadata));
    assert.equal(readSubmission(reply, 'alipay.trade.precreate', keys).kind, 'accepted');
    assert.equal(paramsOf(await receiver.next(forTrade(forced))).trade_status, 'TRADE_SUCCESS');
  });

  it('answers unavailable with 503, never answers timeout (a query then finds nothing), none never notifies', async () => {
    const unavailable = await send(withMetadata(credentials, ref('pay'), 100, 'sandbox_outcome=unavailable'));
    assert.equal(unavailable.status, 503);
    assert.equal(readSubmission(unavailable, 'alipay.trade.precreate', keys).kind, 'unavailable');

    const timedOut = ref('pay');
    await assert.rejects(
      send(withMetadata(credentials, timedOut, 100, 'sandbox_outcome=timeout'), AbortSignal.timeout(200)),
      /timeout|abort/i,
    );
    assert.deepEqual(readQuery(await send(query(credentials, timedOut, new Date())), keys), {
      kind: 'not_found',
    });

    const silent = ref('pay');
    await send(withMetadata(credentials, silent, 100, 'sandbox_outcome=none'));
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(receiver.deliveries.filter(forTrade(silent)).length, 0);
    const unscanned = readQuery(await send(query(credentials, silent, new Date())), keys);
    assert.deepEqual(unscanned, { kind: 'not_found' }, 'a precreated trade nobody scanned');
  });

  it('refunds with a notify carrying out_biz_no and the cumulative refund_fee, and bills the day in GBK', async () => {
    const reference = ref('pay');
    await send(precreate(credentials, { reference, amount: 3000, subject: 'Order' }, new Date()));
    const paid = paramsOf(await receiver.next(forTrade(reference)));
    const first = ref('re');
    const second = ref('re');
    for (const [refundRef, amount] of [
      [first, 1000],
      [second, 2000],
    ] as const) {
      const reply = await send(
        refund(credentials, { reference: refundRef, paymentReference: reference, amount }, new Date()),
      );
      assert.equal(readSubmission(reply, 'alipay.trade.refund', keys).kind, 'accepted');
      const notify = paramsOf(await receiver.next((d) => paramsOf(d).out_biz_no === refundRef));
      assert.equal(notify.trade_no, paid.trade_no);
      if (refundRef === first) {
        assert.equal(notify.refund_fee, '10.00');
        assert.equal(notify.trade_status, 'TRADE_SUCCESS');
      } else {
        assert.equal(notify.refund_fee, '30.00');
        assert.equal(notify.trade_status, 'TRADE_CLOSED');
      }
      assert.match(notify.gmt_refund ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    }

    const sdk = new AlipaySdk({ appId: APP_ID, privateKey: merchantPrivate, keyType: 'PKCS8' });
    const refusedBody = sdk.sdkExecute('alipay.trade.refund', {
      bizContent: {
        out_trade_no: reference,
        refund_amount: '1.00',
        out_request_no: ref('re'),
        passback_params: encodeURIComponent('sandbox_outcome=fail'),
      },
    });
    const refused = await send({
      method: 'POST',
      url: credentials.gateway,
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: refusedBody,
    });
    const result = readSubmission(refused, 'alipay.trade.refund', keys);
    assert.equal(result.kind, 'declined');
    assert.equal(result.kind === 'declined' && result.code, 'ACQ.SELLER_BALANCE_NOT_ENOUGH');

    // Billed by Beijing day (UTC+8), as the vendor bills: today's Beijing bill holds them, read for the
    // UTC day they happened on.
    const now = Date.now();
    const date = new Date(now).toISOString().slice(0, 10);
    const beijingDay = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
    const response = await fetch(`${sim.url}/statements/${beijingDay}.csv`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.match(new TextDecoder('gbk').decode(bytes), /#支付宝业务明细查询/);
    const rows: any[] = [];
    for await (const line of parseNativeStatement('alipay', [bytes], {
      channel: 'alipay',
      date,
      otherDays: 'skip',
    }))
      rows.push(line);
    const text = JSON.stringify(rows);
    for (const id of [reference, first, second])
      assert.ok(text.includes(id), `${id} in ${text.slice(0, 300)}`);
  });
});
