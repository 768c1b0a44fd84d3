/**
 * Alipay's side of the Alipay channel, locally: the OpenAPI gateway (`POST /gateway.do`, a form with
 * `method` alipay.trade.precreate | refund | query | fastpay.refund.query, or
 * alipay.data.dataservice.bill.downloadurl.query naming the bill's URL), whose requests must carry our
 * app's RSA2 `sign` over the sorted parameters but `sign` (otherwise `isv.invalid-signature`, as Alipay
 * answers it), answers signed with Alipay's key over the exact `<method>_response` text, async notifies
 * (form, RSA2 over the sorted non-empty parameters but `sign` and `sign_type`), and the day's GBK trade
 * bill at `GET /statements/<yyyy-mm-dd>.csv` (and zipped with a summary file at `.csv.zip`, as Alipay's
 * download serves it). A precreated trade exists once the customer "scans" it,
 * which happens a moment later (the notify's delay); until then, and for ever with `none` or `timeout`, a
 * query answers `ACQ.TRADE_NOT_EXIST`. A refund is answered `fund_change: N` and settled by its notify; a
 * refund that fails is refused at once with `ACQ.SELLER_BALANCE_NOT_ENOUGH`, as Alipay refuses.
 */
import { createSign, createVerify, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { alipayBill, alipayBillZip } from './alipay-bill.js';
import {
  alipaySignContent,
  beijing,
  billUrlAnswer,
  fen,
  metadataOf,
  refundQueryAnswer,
  refusal,
  type Trade,
} from './alipay-wire.js';

export { alipaySignContent } from './alipay-wire.js';

import {
  callbackSender,
  channelFee,
  DayBook,
  decimal,
  hold,
  listen,
  outcomeFor,
  readText,
  type SimulatorOptions,
  type SimulatorServer,
  silent,
  statementDay,
} from './common.js';

export interface AlipaySimulatorOptions extends SimulatorOptions {
  /** Default `2021000000000001`. */
  readonly appId?: string;
  /** Our app's public key (PEM): what requests are verified with. */
  readonly merchantPublicKey: string;
  /** Alipay's private key (PEM): what answers and notifies are signed with. */
  readonly platformPrivateKey: string;
}

/** Starts the simulator on 127.0.0.1. */
export async function startAlipaySimulator(options: AlipaySimulatorOptions): Promise<SimulatorServer> {
  const appId = options.appId ?? '2021000000000001';
  const log = options.logger ?? silent;
  const holdMs = options.holdMs ?? 30_000;
  const trades = new Map<string, Trade>();
  // Bills are by Beijing day, as the vendor's are.
  const book = new DayBook(8);
  const callbacks = callbackSender(options);
  const sign = (content: string) =>
    createSign('RSA-SHA256').update(content, 'utf8').sign(options.platformPrivateKey, 'base64');

  /** A form-encoded notify, signed; a redelivery is the same notify, `notify_id` included. */
  function notify(fields: Record<string, string>): void {
    const params: Record<string, string> = {
      notify_time: beijing(),
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      app_id: appId,
      charset: 'utf-8',
      version: '1.0',
      ...fields,
    };
    params.sign = sign(alipaySignContent(params, ['sign', 'sign_type']));
    params.sign_type = 'RSA2';
    const body = new URLSearchParams(params).toString();
    callbacks.send(
      `alipay ${fields.trade_status}`,
      () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }),
      0,
    );
  }

  function answer(res: ServerResponse, method: string, data: Record<string, unknown>): void {
    const key = method ? `${method.replaceAll('.', '_')}_response` : 'error_response';
    const text = JSON.stringify(data);
    res
      .writeHead(200, { 'content-type': 'application/json;charset=utf-8' })
      .end(`{"${key}":${text},"sign":"${sign(text)}"}`);
  }

  const notExist = refusal('40004', 'Business Failed', 'ACQ.TRADE_NOT_EXIST', '交易不存在');

  function precreate(res: ServerResponse, biz: Record<string, unknown>, method: string) {
    const outTradeNo = String(biz.out_trade_no ?? '');
    const amount = fen(biz.total_amount);
    if (!outTradeNo || amount === undefined)
      return answer(res, method, refusal('40002', 'Invalid Arguments', 'isv.invalid-parameter', '参数无效'));
    const outcome = outcomeFor('alipay', 'payment', amount, metadataOf(biz));
    log.info('alipay precreate', { outTradeNo, outcome });
    if (outcome === 'timeout') return hold(res, holdMs);
    if (outcome === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    answer(res, method, {
      code: '10000',
      msg: 'Success',
      out_trade_no: outTradeNo,
      qr_code: `https://qr.alipay.com/local${randomBytes(8).toString('hex')}`,
    });
    if (trades.has(outTradeNo) || outcome === 'none') return;
    const trade: Trade = {
      outTradeNo,
      tradeNo: `2026${Date.now()}${randomBytes(4).readUInt32BE() % 100000}`,
      amount,
      refunded: 0,
      refunds: new Map(),
    };
    callbacks.due(() => {
      trades.set(outTradeNo, trade);
      const succeeded = outcome === 'succeeded';
      trade.status = succeeded ? 'TRADE_SUCCESS' : 'TRADE_CLOSED';
      const now = new Date();
      if (succeeded)
        book.record({
          kind: 'payment',
          status: 'succeeded',
          reference: outTradeNo,
          channelReference: trade.tradeNo,
          amount,
          currency: 'CNY',
          fee: channelFee('payment', 'succeeded', amount),
          occurredAt: now.toISOString(),
        });
      notify({
        trade_no: trade.tradeNo,
        out_trade_no: outTradeNo,
        trade_status: trade.status,
        total_amount: decimal(amount, 2),
        receipt_amount: succeeded ? decimal(amount, 2) : '0.00',
        gmt_create: beijing(now),
        ...(succeeded ? { gmt_payment: beijing(now) } : { gmt_close: beijing(now) }),
      });
    });
  }

  function refund(res: ServerResponse, biz: Record<string, unknown>, method: string) {
    const trade = trades.get(String(biz.out_trade_no ?? ''));
    const reference = String(biz.out_request_no ?? '');
    const amount = fen(biz.refund_amount);
    if (trade?.status !== 'TRADE_SUCCESS') return answer(res, method, notExist);
    if (!reference || amount === undefined)
      return answer(res, method, refusal('40002', 'Invalid Arguments', 'isv.invalid-parameter', '参数无效'));
    const outcome = outcomeFor('alipay', 'refund', amount, metadataOf(biz));
    if (outcome === 'timeout') return hold(res, holdMs);
    if (outcome === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (outcome === 'failed')
      return answer(
        res,
        method,
        refusal('40004', 'Business Failed', 'ACQ.SELLER_BALANCE_NOT_ENOUGH', '卖家余额不足'),
      );
    const repeated = trade.refunds.has(reference);
    if (!repeated && trade.refunded + amount > trade.amount)
      return answer(
        res,
        method,
        refusal('40004', 'Business Failed', 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限'),
      );
    answer(res, method, {
      code: '10000',
      msg: 'Success',
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      refund_fee: decimal(trade.refunded + (repeated ? 0 : amount), 2),
      fund_change: 'N',
    });
    if (repeated || outcome === 'none') return;
    const held = { amount, settled: false };
    trade.refunds.set(reference, held);
    trade.refunded += amount;
    const cumulative = trade.refunded;
    callbacks.due(() => {
      const now = new Date();
      held.settled = true;
      book.record({
        kind: 'refund',
        status: 'succeeded',
        reference,
        channelReference: trade.tradeNo,
        paymentReference: trade.outTradeNo,
        amount,
        currency: 'CNY',
        fee: 0,
        occurredAt: now.toISOString(),
      });
      notify({
        trade_no: trade.tradeNo,
        out_trade_no: trade.outTradeNo,
        out_biz_no: reference,
        trade_status: cumulative >= trade.amount ? 'TRADE_CLOSED' : 'TRADE_SUCCESS',
        total_amount: decimal(trade.amount, 2),
        refund_fee: decimal(cumulative, 2),
        gmt_refund: `${beijing(now)}.000`,
      });
    });
  }

  function query(res: ServerResponse, biz: Record<string, unknown>, method: string) {
    const trade = trades.get(String(biz.out_trade_no ?? ''));
    if (!trade?.status) return answer(res, method, notExist);
    answer(res, method, {
      code: '10000',
      msg: 'Success',
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      trade_status: trade.status,
      total_amount: decimal(trade.amount, 2),
      buyer_logon_id: 'buy***@example.com',
    });
  }

  async function gateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Alipay's SDKs send the common parameters in the query string and biz_content in the body.
    const search = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const params = {
      ...Object.fromEntries(search),
      ...Object.fromEntries(new URLSearchParams((await readText(req)) ?? '')),
    };
    const method = params.method ?? '';
    const valid =
      typeof params.sign === 'string' &&
      createVerify('RSA-SHA256')
        .update(alipaySignContent(params, ['sign']), 'utf8')
        .verify(options.merchantPublicKey, params.sign, 'base64');
    if (params.app_id !== appId)
      return answer(
        res,
        method,
        refusal('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数'),
      );
    if (!valid)
      return answer(
        res,
        method,
        refusal(
          '40002',
          'Invalid Arguments',
          'isv.invalid-signature',
          '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配',
        ),
      );
    let biz: Record<string, unknown>;
    try {
      biz = JSON.parse(params.biz_content ?? '{}') as Record<string, unknown>;
    } catch {
      return answer(res, method, refusal('40002', 'Invalid Arguments', 'isv.invalid-parameter', '参数无效'));
    }
    if (method === 'alipay.trade.precreate') return precreate(res, biz, method);
    if (method === 'alipay.trade.refund') return refund(res, biz, method);
    if (method === 'alipay.trade.query') return query(res, biz, method);
    if (method === 'alipay.trade.fastpay.refund.query') {
      const trade = trades.get(String(biz.out_trade_no ?? ''));
      return answer(
        res,
        method,
        trade ? refundQueryAnswer(trade, String(biz.out_request_no ?? '')) : notExist,
      );
    }
    if (method === 'alipay.data.dataservice.bill.downloadurl.query')
      return answer(res, method, billUrlAnswer(`http://${req.headers.host}`, biz));
    answer(res, method, refusal('40002', 'Invalid Arguments', 'isv.invalid-method', '不存在的方法名'));
  }

  const server = await listen(options.port ?? 0, async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'POST' && path === '/gateway.do') return gateway(req, res);
    const zipped = req.method === 'GET' ? statementDay(path, 'csv\\.zip') : undefined;
    if (zipped) {
      res.writeHead(200, { 'content-type': 'application/zip' }).end(alipayBillZip(book.rows(zipped), zipped));
      return;
    }
    const day = req.method === 'GET' ? statementDay(path, 'csv') : undefined;
    if (day) {
      res.writeHead(200, { 'content-type': 'text/csv; charset=GBK' }).end(alipayBill(book.rows(day), day));
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
