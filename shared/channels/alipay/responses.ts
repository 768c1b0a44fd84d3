/**
 * Alipay's answers to our OpenAPI calls. The gateway answers `{"<method>_response": {…}, "sign": "…"}`
 * and signs the exact text of the `<method>_response` value with Alipay's key; that text is cut out of
 * the raw body (re-serializing the parsed JSON would change it) and verified before any field is
 * believed. An answer without a valid signature is `unknown`: acting on a forged decline or
 * unavailability could make us charge twice elsewhere.
 * Codes (Alipay's public error codes): 10000 success; 20000 service unavailable (the outcome is
 * unknown); 20001 and 40006 refused credentials or permissions, and 40002 `isv.invalid-signature` /
 * `isv.invalid-app-id`: Alipay did not take the request; 40004 business failure (declined), except
 * `ACQ.SYSTEM_ERROR` (unknown) and, for a query, `ACQ.TRADE_NOT_EXIST` (never taken).
 */
import type { KeyObject } from 'node:crypto';
import { yuanToFen } from '../amounts.js';
import type { ChannelReply, QueryResult, SubmissionResult } from '../protocol.js';
import { rsa2Verify } from './sign.js';

/** `alipay.trade.query` → `alipay_trade_query_response`. */
export const responseKey = (method: string) => `${method.replaceAll('.', '_')}_response`;

/** Index of the quote closing the JSON string opened at `from`, or -1. */
function endOfString(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

const skipSpace = (text: string, at: number) => {
  let i = at;
  while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  return i;
};

/**
 * The raw text of the object value of top-level `key` in the JSON `body`, exactly as sent; undefined
 * when absent. A scanner over the JSON tokens rather than alipay-sdk's search for the last `"sign"`,
 * which a value containing that word would fool.
 */
export function rawObjectValue(body: string, key: string): string | undefined {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') {
      const end = endOfString(body, i);
      if (end < 0) return undefined;
      const colon = skipSpace(body, end + 1);
      if (depth === 1 && start < 0 && body[colon] === ':' && JSON.parse(body.slice(i, end + 1)) === key) {
        const value = skipSpace(body, colon + 1);
        if (body[value] !== '{') return undefined;
        start = value;
        i = value - 1;
      } else i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (start >= 0 && depth === 1) return body.slice(start, i + 1);
    }
  }
  return undefined;
}

type Refusal = Exclude<SubmissionResult, { kind: 'accepted' }>;
type Verified = { ok: true; data: Record<string, unknown> } | { ok: false; result: Refusal };

function unknown(code: string, message: string) {
  return { kind: 'unknown', code, message } as const;
}

/** Verifies Alipay's `sign` over the `<method>_response` text and parses that value. */
function verified(
  reply: ChannelReply,
  method: string,
  alipayKeys: readonly (KeyObject | string)[],
): Verified {
  if (reply.status === 503)
    return { ok: false, result: { kind: 'unavailable', code: 'http_503', message: '' } };
  if (reply.status !== 200)
    return { ok: false, result: unknown(`http_${reply.status}`, reply.body.slice(0, 200)) };
  let sign: unknown;
  try {
    sign = (JSON.parse(reply.body) as { sign?: unknown }).sign;
  } catch {
    return { ok: false, result: unknown('malformed_response', 'Alipay answered with no JSON') };
  }
  const text =
    rawObjectValue(reply.body, responseKey(method)) ?? rawObjectValue(reply.body, 'error_response');
  if (text === undefined)
    return { ok: false, result: unknown('malformed_response', `no ${responseKey(method)}`) };
  if (typeof sign !== 'string' || !rsa2Verify(text, sign, alipayKeys))
    return { ok: false, result: unknown('invalid_response_signature', 'Alipay answer not signed by Alipay') };
  return { ok: true, data: JSON.parse(text) as Record<string, unknown> };
}

function refusal(data: Record<string, unknown>): Refusal {
  const code = String(data.code);
  const subCode = typeof data.sub_code === 'string' ? data.sub_code : code;
  const message = String(data.sub_msg ?? data.msg ?? '');
  if (code === '20000' || subCode === 'ACQ.SYSTEM_ERROR') return unknown(subCode, message);
  if (
    code === '20001' ||
    code === '40006' ||
    subCode === 'isv.invalid-signature' ||
    subCode === 'isv.invalid-app-id'
  )
    return { kind: 'unavailable', code: subCode, message };
  return { kind: 'declined', code: subCode, message };
}

/** Reads the answer to `alipay.trade.precreate` or `alipay.trade.refund`. */
export function readSubmission(
  reply: ChannelReply,
  method: 'alipay.trade.precreate' | 'alipay.trade.refund',
  alipayKeys: readonly (KeyObject | string)[],
): SubmissionResult {
  const v = verified(reply, method, alipayKeys);
  if (!v.ok) return v.result;
  if (v.data.code !== '10000') return refusal(v.data);
  if (method === 'alipay.trade.precreate') {
    // The trade exists once the customer scans; its trade_no arrives with the notify.
    return { kind: 'accepted', qrCode: String(v.data.qr_code ?? ''), state: 'pending' };
  }
  // fund_change "N" answers a repeated out_request_no whose money already moved, or not yet: query.
  return {
    kind: 'accepted',
    channelReference: String(v.data.trade_no ?? ''),
    state: v.data.fund_change === 'Y' ? 'succeeded' : 'pending',
  };
}

const TRADE_STATES: Readonly<Record<string, 'pending' | 'succeeded' | 'failed'>> = {
  WAIT_BUYER_PAY: 'pending',
  TRADE_SUCCESS: 'succeeded',
  TRADE_FINISHED: 'succeeded',
  TRADE_CLOSED: 'failed',
};

/** Reads the answer to `alipay.trade.query`. */
export function readQuery(reply: ChannelReply, alipayKeys: readonly (KeyObject | string)[]): QueryResult {
  const v = verified(reply, 'alipay.trade.query', alipayKeys);
  if (!v.ok) {
    const { kind, code, message } = v.result;
    return { kind: kind === 'unavailable' ? kind : 'unknown', code, message };
  }
  const { data } = v;
  if (data.code !== '10000') {
    if (data.sub_code === 'ACQ.TRADE_NOT_EXIST') return { kind: 'not_found' };
    const { kind, code, message } = refusal(data);
    return { kind: kind === 'unavailable' ? kind : 'unknown', code, message };
  }
  const state = TRADE_STATES[String(data.trade_status)];
  if (!state || typeof data.trade_no !== 'string' || typeof data.total_amount !== 'string')
    return unknown('malformed_response', `trade_status ${String(data.trade_status)}`);
  return {
    kind: 'found',
    state,
    channelReference: data.trade_no,
    amount: yuanToFen(data.total_amount),
    currency: 'CNY',
  };
}

/**
 * Reads the answer to `alipay.trade.fastpay.refund.query`. Alipay answers 10000 even for a refund it
 * never received: `refund_status` `REFUND_SUCCESS` says the money moved; without it, an answer naming
 * the refund's amount is one Alipay holds but has not finished (pending), and one without is a refund
 * it never took (Alipay: "未返回该字段表示退款请求未收到或者退款失败").
 */
export function readRefundQuery(
  reply: ChannelReply,
  alipayKeys: readonly (KeyObject | string)[],
): QueryResult {
  const v = verified(reply, 'alipay.trade.fastpay.refund.query', alipayKeys);
  if (!v.ok) {
    const { kind, code, message } = v.result;
    return { kind: kind === 'unavailable' ? kind : 'unknown', code, message };
  }
  const { data } = v;
  if (data.code !== '10000') {
    if (data.sub_code === 'ACQ.TRADE_NOT_EXIST') return { kind: 'not_found' };
    const { kind, code, message } = refusal(data);
    return { kind: kind === 'unavailable' ? kind : 'unknown', code, message };
  }
  if (typeof data.refund_amount !== 'string' || data.refund_amount === '') return { kind: 'not_found' };
  return {
    kind: 'found',
    state: data.refund_status === 'REFUND_SUCCESS' ? 'succeeded' : 'pending',
    channelReference: typeof data.trade_no === 'string' ? data.trade_no : '',
    amount: yuanToFen(data.refund_amount),
    currency: 'CNY',
  };
}

/**
 * Reads the answer to `alipay.data.dataservice.bill.downloadurl.query`: the bill's download URL, or why
 * there is none (`unavailable`/`unknown` may pass on a later run; `declined`, e.g. `isp.bill_not_exist`,
 * will not by itself).
 */
export function readBillDownloadUrl(
  reply: ChannelReply,
  alipayKeys: readonly (KeyObject | string)[],
): { readonly kind: 'url'; readonly url: string } | Refusal {
  const v = verified(reply, 'alipay.data.dataservice.bill.downloadurl.query', alipayKeys);
  if (!v.ok) return v.result;
  if (v.data.code !== '10000') return refusal(v.data);
  const url = v.data.bill_download_url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url))
    return unknown('malformed_response', 'no bill_download_url');
  return { kind: 'url', url };
}
