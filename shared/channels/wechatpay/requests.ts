/**
 * The WeChat Pay API v3 requests the product sends: a Native payment (a QR code the customer scans),
 * a domestic refund, and the two status queries. JSON bodies, amounts in fen, each request signed with
 * our merchant key (sign.ts). Our `pay_` id is `out_trade_no`, our `re_` id `out_refund_no`: both are
 * WeChat Pay's idempotency keys, so a retried submission never charges or refunds twice.
 */
import type { ChannelRequest } from '../protocol.js';
import { authorization, nonce, type WechatpayMerchant } from './sign.js';

export const WECHATPAY_API = 'https://api.mch.weixin.qq.com';

export interface WechatpayCredentials extends WechatpayMerchant {
  /** The app id the merchant is bound to, locally `wx0000000000000001`. */
  readonly appid: string;
  /** Where WeChat Pay posts notifications: our `/v1/channels/wechatpay/callbacks`. */
  readonly notifyUrl: string;
  readonly apiBase?: string;
}

/** Unix time and nonce of a request; tests pass fixed ones. */
export interface RequestClock {
  readonly timestamp: number;
  readonly nonce?: string;
}

function request(
  credentials: WechatpayCredentials,
  method: 'GET' | 'POST',
  path: string,
  clock: RequestClock,
  payload?: object,
): ChannelRequest {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  const headers: Record<string, string> = {
    accept: 'application/json',
    // WeChat Pay refuses requests without a User-Agent.
    'user-agent': 'payments-channel/1.0',
    authorization: authorization(credentials, method, path, body, clock.timestamp, clock.nonce ?? nonce()),
  };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const url = `${credentials.apiBase ?? WECHATPAY_API}${path}`;
  return payload === undefined ? { method, url, headers } : { method, url, headers, body };
}

export interface WechatpayPaymentInput {
  /** Our `pay_` id. */
  readonly reference: string;
  /** Fen. */
  readonly amount: number;
  readonly description: string;
  /**
   * Local simulators only: `sandbox_outcome=<outcome>` in `attach`, the field WeChat Pay carries for the
   * merchant and gives back unread.
   */
  readonly outcome?: string | undefined;
}

/** `attach` carrying a test outcome, or nothing. */
const attach = (outcome: string | undefined) =>
  outcome ? { attach: new URLSearchParams({ sandbox_outcome: outcome }).toString() } : {};

/** POST /v3/pay/transactions/native: WeChat Pay answers `code_url`, and notifies once paid. */
export function nativePayment(
  credentials: WechatpayCredentials,
  p: WechatpayPaymentInput,
  clock: RequestClock,
) {
  return request(credentials, 'POST', '/v3/pay/transactions/native', clock, {
    appid: credentials.appid,
    mchid: credentials.mchid,
    description: p.description,
    out_trade_no: p.reference,
    notify_url: credentials.notifyUrl,
    amount: { total: p.amount, currency: 'CNY' },
    ...attach(p.outcome),
  });
}

export interface WechatpayRefundInput {
  /** Our `re_` id. */
  readonly reference: string;
  /** Our `pay_` id of the payment refunded, and its whole amount (WeChat Pay asks for both). */
  readonly paymentReference: string;
  readonly paymentAmount: number;
  readonly amount: number;
  readonly reason?: string;
  /** Local simulators only (see WechatpayPaymentInput); WeChat Pay's refunds have no such field. */
  readonly outcome?: string | undefined;
}

/** POST /v3/refund/domestic/refunds. */
export function refund(credentials: WechatpayCredentials, r: WechatpayRefundInput, clock: RequestClock) {
  return request(credentials, 'POST', '/v3/refund/domestic/refunds', clock, {
    out_trade_no: r.paymentReference,
    out_refund_no: r.reference,
    ...(r.reason ? { reason: r.reason } : {}),
    notify_url: credentials.notifyUrl,
    amount: { refund: r.amount, total: r.paymentAmount, currency: 'CNY' },
    ...attach(r.outcome),
  });
}

/** GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=…: a payment by our `pay_` id. */
export function queryPayment(
  credentials: WechatpayCredentials,
  paymentReference: string,
  clock: RequestClock,
) {
  const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(paymentReference)}?mchid=${encodeURIComponent(credentials.mchid)}`;
  return request(credentials, 'GET', path, clock);
}

/** GET /v3/refund/domestic/refunds/{out_refund_no}: a refund by our `re_` id. */
export function queryRefund(credentials: WechatpayCredentials, refundReference: string, clock: RequestClock) {
  return request(
    credentials,
    'GET',
    `/v3/refund/domestic/refunds/${encodeURIComponent(refundReference)}`,
    clock,
  );
}

/**
 * GET /v3/bill/tradebill?bill_date=…&bill_type=ALL: the trade bill of `billDate` (`yyyy-MM-dd`, a
 * Beijing day at WeChat Pay); the signed answer names its `download_url` and SHA1 `hash_value`.
 */
export function tradeBill(credentials: WechatpayCredentials, billDate: string, clock: RequestClock) {
  const path = `/v3/bill/tradebill?bill_date=${encodeURIComponent(billDate)}&bill_type=ALL`;
  return request(credentials, 'GET', path, clock);
}

/**
 * GET of a bill's `download_url`, signed like any API v3 request (over the URL's path and query); its
 * answer is the file itself, unsigned: the announced hash stands for it.
 */
export function billDownload(credentials: WechatpayCredentials, downloadUrl: string, clock: RequestClock) {
  const url = new URL(downloadUrl);
  const signed = request(credentials, 'GET', `${url.pathname}${url.search}`, clock);
  return { ...signed, url: downloadUrl };
}
