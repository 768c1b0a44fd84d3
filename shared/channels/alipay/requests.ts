/**
 * The Alipay OpenAPI requests the product sends: `alipay.trade.precreate` (a QR code the customer
 * scans), `alipay.trade.refund`, `alipay.trade.query`. Each is the common parameters plus a
 * `biz_content` JSON, RSA2-signed with our app key over every parameter but `sign`, and posted
 * form-encoded to the gateway. Our `pay_` id is `out_trade_no`; our `re_` id is the refund's
 * `out_request_no` (Alipay's idempotency key for a partial refund; its notify names it `out_biz_no`).
 */
import type { KeyObject } from 'node:crypto';
import { fenToYuan } from '../amounts.js';
import type { ChannelRequest } from '../protocol.js';
import { isoToBeijingTime, rsa2Sign, signContent } from './sign.js';

export const ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export interface AlipayCredentials {
  /** Locally `2021000000000001`. */
  readonly appId: string;
  /** Our app private key (PKCS#8 PEM or KeyObject). */
  readonly privateKey: KeyObject | string;
  readonly gateway?: string;
  /** Where Alipay posts async notifies: our `/v1/channels/alipay/callbacks`. */
  readonly notifyUrl?: string;
}

/** The signed parameters of one call, in the order they are sent. */
export function signedParams(
  credentials: AlipayCredentials,
  method: string,
  bizContent: object,
  now: Date,
  withNotifyUrl = false,
): Record<string, string> {
  const params: Record<string, string> = {
    app_id: credentials.appId,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: isoToBeijingTime(now),
    version: '1.0',
  };
  if (withNotifyUrl && credentials.notifyUrl) params.notify_url = credentials.notifyUrl;
  params.biz_content = JSON.stringify(bizContent);
  params.sign = rsa2Sign(signContent(params, ['sign']), credentials.privateKey);
  return params;
}

function request(credentials: AlipayCredentials, params: Record<string, string>): ChannelRequest {
  return {
    method: 'POST',
    // The gateway reads `charset` before it can decode the body.
    url: `${credentials.gateway ?? ALIPAY_GATEWAY}?charset=utf-8`,
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  };
}

export interface AlipayPaymentInput {
  /** Our `pay_` id. */
  readonly reference: string;
  /** Fen (CNY minor units). */
  readonly amount: number;
  readonly subject: string;
  /**
   * Local simulators only: `sandbox_outcome=<outcome>` in `passback_params`, which Alipay gives back
   * unread (URL-encoded, as Alipay asks of that field).
   */
  readonly outcome?: string | undefined;
}

/** `passback_params` carrying a test outcome, or nothing. */
const passback = (outcome: string | undefined) =>
  outcome ? { passback_params: encodeURIComponent(`sandbox_outcome=${outcome}`) } : {};

/** `alipay.trade.precreate`: Alipay answers with the QR code, and notifies when the customer pays. */
export function precreate(credentials: AlipayCredentials, p: AlipayPaymentInput, now: Date): ChannelRequest {
  const biz = {
    out_trade_no: p.reference,
    total_amount: fenToYuan(p.amount),
    subject: p.subject,
    ...passback(p.outcome),
  };
  return request(credentials, signedParams(credentials, 'alipay.trade.precreate', biz, now, true));
}

export interface AlipayRefundInput {
  /** Our `re_` id. */
  readonly reference: string;
  /** Our `pay_` id of the payment refunded. */
  readonly paymentReference: string;
  readonly amount: number;
  readonly reason?: string;
  /** Local simulators only (see AlipayPaymentInput). */
  readonly outcome?: string | undefined;
}

/** `alipay.trade.refund` of part or all of a trade; repeating an `out_request_no` refunds once. */
export function refund(credentials: AlipayCredentials, r: AlipayRefundInput, now: Date): ChannelRequest {
  const biz = {
    out_trade_no: r.paymentReference,
    refund_amount: fenToYuan(r.amount),
    out_request_no: r.reference,
    ...(r.reason ? { refund_reason: r.reason } : {}),
    ...passback(r.outcome),
  };
  return request(credentials, signedParams(credentials, 'alipay.trade.refund', biz, now, true));
}

/** `alipay.trade.query` of a payment by our `pay_` id. */
export function query(credentials: AlipayCredentials, paymentReference: string, now: Date): ChannelRequest {
  const biz = { out_trade_no: paymentReference };
  return request(credentials, signedParams(credentials, 'alipay.trade.query', biz, now));
}

/** `alipay.trade.fastpay.refund.query` of a refund by our `re_` id and the payment's `pay_` id. */
export function refundQuery(
  credentials: AlipayCredentials,
  r: { readonly reference: string; readonly paymentReference: string },
  now: Date,
): ChannelRequest {
  const biz = { out_trade_no: r.paymentReference, out_request_no: r.reference };
  return request(credentials, signedParams(credentials, 'alipay.trade.fastpay.refund.query', biz, now));
}

/**
 * `alipay.data.dataservice.bill.downloadurl.query` of the trade bill (业务明细) of `billDate`
 * (`yyyy-MM-dd`, a Beijing day at Alipay): the answer names a short-lived download URL.
 */
export function billDownloadUrlQuery(
  credentials: AlipayCredentials,
  billDate: string,
  now: Date,
): ChannelRequest {
  const biz = { bill_type: 'trade', bill_date: billDate };
  return request(
    credentials,
    signedParams(credentials, 'alipay.data.dataservice.bill.downloadurl.query', biz, now),
  );
}
