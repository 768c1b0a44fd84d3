/**
 * The Alipay simulator's reading and wording of Alipay's wire format: what is signed, yuan amounts, the
 * sandbox's metadata in `passback_params`, Beijing wall-clock times, Alipay's refusals, and the answers
 * that read nothing but a trade.
 */
import { decimal, wallClock } from './common.js';

/**
 * The sandbox's metadata on Alipay: `passback_params` in biz_content, URL-encoded pairs
 * (`sandbox_outcome=fail`), the field Alipay carries for the merchant and gives back unread.
 */
export function metadataOf(biz: Record<string, unknown>): Record<string, string> {
  return typeof biz.passback_params === 'string'
    ? Object.fromEntries(new URLSearchParams(decodeURIComponent(biz.passback_params)))
    : {};
}

export const beijing = (date = new Date()) => wallClock(date.toISOString(), 8);

/** Sorted `k=v&…` of the non-empty parameters not in `exclude`: what Alipay signs. */
export function alipaySignContent(
  params: Readonly<Record<string, string>>,
  exclude: readonly string[],
): string {
  return Object.keys(params)
    .filter((key) => !exclude.includes(key) && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

/** "10.50" → 1050; undefined unless a positive yuan amount with at most two decimals. */
export function fen(yuan: unknown): number | undefined {
  if (typeof yuan !== 'string' || !/^\d{1,10}(\.\d{1,2})?$/.test(yuan)) return undefined;
  const [whole, part = ''] = yuan.split('.');
  const value = Number(whole) * 100 + Number(part.padEnd(2, '0'));
  return value > 0 ? value : undefined;
}

/** A refusal as Alipay words it in the `<method>_response`. */
export const refusal = (code: string, msg: string, subCode: string, subMsg: string) => ({
  code,
  msg,
  sub_code: subCode,
  sub_msg: subMsg,
});

/** A trade as the simulator holds it. */
export interface Trade {
  readonly outTradeNo: string;
  readonly tradeNo: string;
  /** Fen. */
  readonly amount: number;
  /** Set once the customer has scanned it. */
  status?: 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  refunded: number;
  /** By out_request_no: fen, and whether it has gone through (notified). */
  readonly refunds: Map<string, { readonly amount: number; settled: boolean }>;
}

/**
 * `alipay.trade.fastpay.refund.query` of a trade Alipay has: it answers 10000 for a refund it never
 * received too, without `refund_amount` or `refund_status`; one still being processed has no
 * `refund_status` yet.
 */
export function refundQueryAnswer(trade: Trade, reference: string) {
  const held = trade.refunds.get(reference);
  return {
    code: '10000',
    msg: 'Success',
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    out_request_no: reference,
    ...(held
      ? {
          total_amount: decimal(trade.amount, 2),
          refund_amount: decimal(held.amount, 2),
          ...(held.settled ? { refund_status: 'REFUND_SUCCESS' } : {}),
        }
      : {}),
  };
}

/**
 * `alipay.data.dataservice.bill.downloadurl.query` of a trade bill: the URL of the day's csv.zip on this
 * simulator (`origin`), as Alipay names a short-lived one of its own.
 */
export function billUrlAnswer(origin: string, biz: Record<string, unknown>) {
  const day = typeof biz.bill_date === 'string' ? biz.bill_date : '';
  if (biz.bill_type !== 'trade' || !/^\d{4}-\d{2}-\d{2}$/.test(day))
    return refusal('40004', 'Business Failed', 'isp.bill_not_exist', '账单不存在');
  return { code: '10000', msg: 'Success', bill_download_url: `${origin}/statements/${day}.csv.zip` };
}
