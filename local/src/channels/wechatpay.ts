/**
 * WeChat Pay's side of the WeChat Pay channel, locally (API v3): Native orders, refunds and their
 * queries, each request's `WECHATPAY2-SHA256-RSA2048` Authorization checked against our merchant key and
 * serial (401 `SIGN_ERROR` otherwise), every answer signed with the platform key (`Wechatpay-*` headers),
 * notifications whose resource is AES-256-GCM-encrypted with the APIv3 key, and the day's backtick trade
 * bill at `GET /statements/<yyyy-mm-dd>.csv` (and as WeChat Pay serves it: announced by `GET
 * /v3/bill/tradebill` with its SHA1, fetched from `/v3/billdownload/file`). An order exists (NOTPAY) once
 * created and is paid a moment later with `TRANSACTION.SUCCESS`; one that fails closes without a
 * notification (as WeChat Pay closes an unpaid order), so a query finds it CLOSED. The sandbox's metadata
 * rides in `attach` as URL-encoded pairs (`sandbox_outcome=fail`), on refunds too (for tests).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  callbackSender,
  channelFee,
  DayBook,
  hold,
  listen,
  type Outcome,
  outcomeFor,
  readText,
  type SimulatorOptions,
  type SimulatorServer,
  silent,
  statementDay,
} from './common.js';
import { billDownloads, wechatpayBill } from './wechatpay-bill.js';
import { encryptResource, merchantSigned, nonceStr, platformHeaders } from './wechatpay-crypto.js';

export interface WechatpaySimulatorOptions extends SimulatorOptions {
  /** Defaults: the contract's local credentials. */
  readonly mchid?: string;
  readonly appid?: string;
  readonly merchantSerial?: string;
  readonly platformSerial?: string;
  readonly apiV3Key?: string;
  /** Our merchant public key (PEM): what requests are verified with. */
  readonly merchantPublicKey: string;
  /** The platform private key (PEM): what answers and notifications are signed with. */
  readonly platformPrivateKey: string;
}

interface Order {
  readonly out_trade_no: string;
  readonly amount: number;
  readonly attach: string;
  trade_state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  transaction_id?: string;
  success_time?: string;
  refunded: number;
}

/** The fields of our requests the simulator reads. */
interface RequestBody {
  readonly appid?: unknown;
  readonly mchid?: unknown;
  readonly out_trade_no?: unknown;
  readonly out_refund_no?: unknown;
  readonly attach?: unknown;
  readonly amount?: { readonly total?: unknown; readonly refund?: unknown };
}

const positive = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

type Refund = Record<string, unknown> & { out_refund_no: string; status: string };

/** RFC 3339 in Beijing time, as WeChat Pay writes times. */
const beijingTime = (date = new Date()) =>
  `${new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;

const metadataOf = (attach: unknown) =>
  typeof attach === 'string' ? Object.fromEntries(new URLSearchParams(attach)) : {};

/** Starts the simulator on 127.0.0.1. */
export async function startWechatpaySimulator(options: WechatpaySimulatorOptions): Promise<SimulatorServer> {
  const mchid = options.mchid ?? '1900000001';
  const appid = options.appid ?? 'wx0000000000000001';
  const merchant = {
    mchid,
    serial: options.merchantSerial ?? 'MERCHANT_SERIAL_LOCAL_0001',
    publicKey: options.merchantPublicKey,
  };
  const platformSerial = options.platformSerial ?? 'PUB_KEY_ID_0000000000000001';
  const apiV3Key = options.apiV3Key ?? 'LocalApiV3Key0123456789abcdefghi';
  const log = options.logger ?? silent;
  const holdMs = options.holdMs ?? 30_000;
  const orders = new Map<string, Order>();
  const refunds = new Map<string, Refund>();
  // Bills are by Beijing day, as the vendor's are.
  const book = new DayBook(8);
  const bills = billDownloads((day) => wechatpayBill(book.rows(day), { appid, mchid }));
  const callbacks = callbackSender(options);

  function send(res: ServerResponse, status: number, value: unknown): void {
    const body = JSON.stringify(value);
    res
      .writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'request-id': randomUUID(),
        ...platformHeaders(options.platformPrivateKey, platformSerial, body),
      })
      .end(body);
  }
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    send(res, status, { code, message });

  function notify(eventType: string, originalType: string, summary: string, resource: object): void {
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: beijingTime(),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: encryptResource(apiV3Key, originalType, JSON.stringify(resource)),
    });
    callbacks.send(
      `wechatpay ${eventType}`,
      () => ({
        headers: {
          'content-type': 'application/json',
          ...platformHeaders(options.platformPrivateKey, platformSerial, body),
        },
        body,
      }),
      0,
    );
  }

  const transaction = (o: Order) => ({
    appid,
    mchid,
    out_trade_no: o.out_trade_no,
    ...(o.transaction_id ? { transaction_id: o.transaction_id } : {}),
    trade_type: 'NATIVE',
    trade_state: o.trade_state,
    trade_state_desc:
      o.trade_state === 'CLOSED' ? '订单已关闭' : o.trade_state === 'NOTPAY' ? '未支付' : '支付成功',
    bank_type: o.transaction_id ? 'OTHERS' : '',
    attach: o.attach,
    ...(o.success_time
      ? { success_time: o.success_time, payer: { openid: 'oLocalPayer0000000000000000' } }
      : {}),
    amount: {
      total: o.amount,
      payer_total: o.success_time ? o.amount : 0,
      currency: 'CNY',
      payer_currency: 'CNY',
    },
  });

  function pay(o: Order, outcome: Outcome): void {
    if (outcome === 'failed') {
      o.trade_state = 'CLOSED';
      return;
    }
    const now = new Date();
    o.trade_state = 'SUCCESS';
    o.transaction_id = `42000${Date.now()}${nonceStr(6).replace(/\D/g, '0')}`.slice(0, 28).padEnd(28, '0');
    o.success_time = beijingTime(now);
    book.record({
      kind: 'payment',
      status: 'succeeded',
      reference: o.out_trade_no,
      channelReference: o.transaction_id,
      amount: o.amount,
      currency: 'CNY',
      fee: channelFee('payment', 'succeeded', o.amount),
      occurredAt: now.toISOString(),
    });
    notify('TRANSACTION.SUCCESS', 'transaction', '支付成功', transaction(o));
  }

  function native(res: ServerResponse, body: RequestBody) {
    const total = body.amount?.total;
    if (typeof body.out_trade_no !== 'string' || !positive(total))
      return error(res, 400, 'PARAM_ERROR', '参数错误');
    if (body.mchid !== mchid || body.appid !== appid)
      return error(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    const outcome = outcomeFor('wechatpay', 'payment', total, metadataOf(body.attach));
    log.info('wechatpay native order', { out_trade_no: body.out_trade_no, outcome });
    if (outcome === 'timeout') return hold(res, holdMs);
    if (outcome === 'unavailable') return error(res, 503, 'SYSTEM_ERROR', '系统繁忙，请稍后重试');
    const known = orders.get(body.out_trade_no);
    if (known && known.trade_state !== 'NOTPAY') return error(res, 400, 'ORDERPAID', '该订单已支付');
    send(res, 200, { code_url: `weixin://wxpay/bizpayurl?pr=${nonceStr(12)}` });
    if (known) return;
    const order: Order = {
      out_trade_no: body.out_trade_no,
      amount: total,
      attach: typeof body.attach === 'string' ? body.attach : '',
      trade_state: 'NOTPAY',
      refunded: 0,
    };
    orders.set(order.out_trade_no, order);
    if (outcome !== 'none') callbacks.due(() => pay(order, outcome));
  }

  function refund(res: ServerResponse, body: RequestBody) {
    const order = orders.get(String(body.out_trade_no));
    const amount = body.amount?.refund;
    if (typeof body.out_refund_no !== 'string' || !positive(amount))
      return error(res, 400, 'PARAM_ERROR', '参数错误');
    if (!order || order.trade_state === 'NOTPAY' || order.trade_state === 'CLOSED')
      return error(res, 404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    const outcome = outcomeFor('wechatpay', 'refund', amount, metadataOf(body.attach));
    if (outcome === 'timeout') return hold(res, holdMs);
    if (outcome === 'unavailable') return error(res, 503, 'SYSTEM_ERROR', '系统繁忙，请稍后重试');
    const known = refunds.get(body.out_refund_no);
    if (known) return send(res, 200, known);
    if (order.refunded + amount > order.amount) return error(res, 403, 'NOT_ENOUGH', '订单可退金额不足');
    order.refunded += amount;
    const r: Refund = {
      refund_id: `50300${Date.now()}`.padEnd(29, '1'),
      out_refund_no: body.out_refund_no,
      transaction_id: order.transaction_id,
      out_trade_no: order.out_trade_no,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      create_time: beijingTime(),
      status: 'PROCESSING',
      funds_account: 'AVAILABLE',
      amount: {
        refund: amount,
        total: order.amount,
        payer_total: order.amount,
        payer_refund: amount,
        currency: 'CNY',
      },
    };
    refunds.set(r.out_refund_no, r);
    send(res, 200, r);
    if (outcome === 'none') return;
    callbacks.due(() => {
      const succeeded = outcome === 'succeeded';
      const now = new Date();
      r.status = succeeded ? 'SUCCESS' : 'ABNORMAL';
      if (succeeded) {
        r.success_time = beijingTime(now);
        if (order.refunded >= order.amount) order.trade_state = 'REFUND';
      } else order.refunded -= amount;
      book.record({
        kind: 'refund',
        status: succeeded ? 'succeeded' : 'failed',
        reference: r.out_refund_no,
        channelReference: String(r.refund_id),
        paymentReference: order.out_trade_no,
        paymentChannelReference: order.transaction_id ?? '',
        amount,
        currency: 'CNY',
        fee: 0,
        occurredAt: now.toISOString(),
      });
      notify(
        succeeded ? 'REFUND.SUCCESS' : 'REFUND.ABNORMAL',
        'refund',
        succeeded ? '退款成功' : '退款异常',
        {
          mchid,
          out_trade_no: order.out_trade_no,
          transaction_id: order.transaction_id,
          out_refund_no: r.out_refund_no,
          refund_id: r.refund_id,
          refund_status: r.status,
          ...(succeeded ? { success_time: r.success_time } : {}),
          user_received_account: r.user_received_account,
          amount: { total: order.amount, refund: amount, payer_total: order.amount, payer_refund: amount },
        },
      );
    });
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: string, path: string): Promise<void> {
    const text = (await readText(req)) ?? '';
    const method = req.method ?? 'GET';
    if (!merchantSigned(req.headers.authorization, merchant, method, url, text, Date.now() / 1000))
      return error(res, 401, 'SIGN_ERROR', '签名错误');
    if (method === 'POST') {
      let body: RequestBody;
      try {
        body = JSON.parse(text) as RequestBody;
      } catch {
        return error(res, 400, 'PARAM_ERROR', '请求体不是JSON');
      }
      if (typeof body !== 'object' || body === null)
        return error(res, 400, 'PARAM_ERROR', '请求体不是JSON对象');
      if (path === '/v3/pay/transactions/native') return native(res, body);
      if (path === '/v3/refund/domestic/refunds') return refund(res, body);
    }
    if (method === 'GET' && path === '/v3/bill/tradebill') {
      const announced = bills.announce(`http://${req.headers.host}`, url);
      return announced ? send(res, 200, announced) : error(res, 400, 'PARAM_ERROR', '参数错误');
    }
    if (method === 'GET' && path === '/v3/billdownload/file') {
      const bill = bills.file(url);
      if (bill === undefined) return error(res, 400, 'INVALID_REQUEST', '下载链接已失效');
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bill);
      return;
    }
    const payment = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(path);
    if (method === 'GET' && payment?.[1]) {
      const order = orders.get(decodeURIComponent(payment[1]));
      return order ? send(res, 200, transaction(order)) : error(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
    }
    const refundQuery = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (method === 'GET' && refundQuery?.[1]) {
      const found = refunds.get(decodeURIComponent(refundQuery[1]));
      return found ? send(res, 200, found) : error(res, 404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    }
    error(res, 404, 'NOT_FOUND', '接口不存在');
  }

  const server = await listen(options.port ?? 0, async (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    if (path.startsWith('/v3/')) return api(req, res, url, path);
    const day = req.method === 'GET' ? statementDay(path, 'csv') : undefined;
    if (day) {
      res
        .writeHead(200, { 'content-type': 'text/csv; charset=utf-8' })
        .end(wechatpayBill(book.rows(day), { appid, mchid }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  return {
    url: server.url,
    async close() {
      callbacks.close();
      await server.close();
    },
  };
}
