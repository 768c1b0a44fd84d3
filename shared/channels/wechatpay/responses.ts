/**
 * WeChat Pay's answers to our API v3 calls. A 2xx answer is believed only once its `Wechatpay-*`
 * signature verifies (a platform key we trust, within 300 s); otherwise it is `unknown`. Error answers
 * are read as sent, as wechatpay-axios-plugin does (it verifies 2xx answers only). WeChat Pay's error
 * codes: 401 `SIGN_ERROR`, 403 `NO_AUTH` and 429 `FREQUENCY_LIMITED` — it did not take the request;
 * 500 `SYSTEM_ERROR`, 502 `BANK_ERROR`, and `ORDERPAID`/`USERPAYING` — it may have: query; other 4xx
 * (`PARAM_ERROR`, `INVALID_REQUEST`, `NOT_ENOUGH`, `RULE_LIMIT`…) — declined; 404 on a query — not taken.
 */
import type { KeyObject } from 'node:crypto';
import type { ChannelReply, QueryResult, SubmissionResult } from '../protocol.js';
import { verifySigned } from './sign.js';

type Refusal = Exclude<SubmissionResult, { kind: 'accepted' }>;
type Keys = Readonly<Record<string, KeyObject | string>>;

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function refusal(reply: ChannelReply): Refusal {
  if (reply.status === 503) return { kind: 'unavailable', code: 'http_503', message: '' };
  const body = parse(reply.body);
  const code = typeof body?.code === 'string' ? body.code : `http_${reply.status}`;
  const message = typeof body?.message === 'string' ? body.message : reply.body.slice(0, 200);
  if (
    ['SIGN_ERROR', 'NO_AUTH', 'FREQUENCY_LIMITED'].includes(code) ||
    reply.status === 401 ||
    reply.status === 429
  )
    return { kind: 'unavailable', code, message };
  if (reply.status >= 500 || code === 'ORDERPAID' || code === 'USERPAYING' || reply.status < 400)
    return { kind: 'unknown', code, message };
  return { kind: 'declined', code, message };
}

/** The verified JSON of a 2xx answer, or why it cannot be believed. */
function verifiedBody(
  reply: ChannelReply,
  keys: Keys,
  nowSeconds: number,
): { ok: true; body: Record<string, unknown> } | { ok: false; refusal: Refusal } {
  const verdict = verifySigned(reply.headers, reply.body, keys, nowSeconds);
  const message = verdict.ok
    ? 'WeChat Pay answered no JSON'
    : `WeChat Pay answer signature ${verdict.reason}`;
  const body = verdict.ok ? parse(reply.body) : undefined;
  if (body) return { ok: true, body };
  const code = verdict.ok ? 'malformed_response' : 'invalid_response_signature';
  return { ok: false, refusal: { kind: 'unknown', code, message } };
}

/** WeChat Pay refund statuses → our state. */
export const REFUND_STATES: Readonly<Record<string, 'pending' | 'succeeded' | 'failed'>> = {
  PROCESSING: 'pending',
  SUCCESS: 'succeeded',
  CLOSED: 'failed',
  ABNORMAL: 'failed',
};

const TRADE_STATES: Readonly<Record<string, 'pending' | 'succeeded' | 'failed'>> = {
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  SUCCESS: 'succeeded',
  REFUND: 'succeeded',
  CLOSED: 'failed',
  REVOKED: 'failed',
  PAYERROR: 'failed',
};

/** Reads the answer to a Native payment or a refund. */
export function readSubmission(
  reply: ChannelReply,
  call: 'native' | 'refund',
  keys: Keys,
  nowSeconds: number,
): SubmissionResult {
  if (reply.status < 200 || reply.status >= 300) return refusal(reply);
  const verified = verifiedBody(reply, keys, nowSeconds);
  if (!verified.ok) return verified.refusal;
  const { body } = verified;
  if (call === 'native') {
    if (typeof body.code_url !== 'string')
      return { kind: 'unknown', code: 'malformed_response', message: 'no code_url' };
    return { kind: 'accepted', qrCode: body.code_url, state: 'pending' };
  }
  const state = REFUND_STATES[String(body.status)];
  if (typeof body.refund_id !== 'string' || !state)
    return { kind: 'unknown', code: 'malformed_response', message: `refund status ${String(body.status)}` };
  return { kind: 'accepted', channelReference: body.refund_id, state };
}

/** Reads the answer to a payment or refund query. */
export function readQuery(
  reply: ChannelReply,
  call: 'payment' | 'refund',
  keys: Keys,
  nowSeconds: number,
): QueryResult {
  if (reply.status === 404) return { kind: 'not_found' };
  if (reply.status < 200 || reply.status >= 300) {
    const { kind, code, message } = refusal(reply);
    return { kind: kind === 'unavailable' ? kind : 'unknown', code, message };
  }
  const verified = verifiedBody(reply, keys, nowSeconds);
  if (!verified.ok)
    return { kind: 'unknown', code: verified.refusal.code, message: verified.refusal.message };
  const { body } = verified;
  const amount = (body.amount ?? {}) as Record<string, unknown>;
  const state =
    call === 'payment' ? TRADE_STATES[String(body.trade_state)] : REFUND_STATES[String(body.status)];
  const figure = call === 'payment' ? amount.total : amount.refund;
  if (!state || !Number.isSafeInteger(figure))
    return { kind: 'unknown', code: 'malformed_response', message: 'unexpected query answer' };
  // A payment not yet paid has no transaction_id.
  const reference = call === 'payment' ? body.transaction_id : body.refund_id;
  return {
    kind: 'found',
    state,
    channelReference: typeof reference === 'string' ? reference : '',
    amount: figure as number,
    currency: typeof amount.currency === 'string' ? amount.currency : 'CNY',
  };
}

/** A bill WeChat Pay announced: where to fetch it and its digest. */
export interface AnnouncedBill {
  readonly kind: 'bill';
  readonly url: string;
  readonly hashType: 'sha1';
  readonly hashValue: string;
}

/**
 * Reads the answer to GET /v3/bill/tradebill, or why there is no bill (a 4xx such as
 * `NO_STATEMENT_EXIST` or `STATEMENT_CREATING` is `declined`, with WeChat Pay's code).
 */
export function readTradeBill(reply: ChannelReply, keys: Keys, nowSeconds: number): AnnouncedBill | Refusal {
  if (reply.status < 200 || reply.status >= 300) return refusal(reply);
  const verified = verifiedBody(reply, keys, nowSeconds);
  if (!verified.ok) return verified.refusal;
  const { download_url: url, hash_type: hashType, hash_value: hashValue } = verified.body;
  if (
    typeof url !== 'string' ||
    !/^https?:\/\//.test(url) ||
    String(hashType).toUpperCase() !== 'SHA1' ||
    typeof hashValue !== 'string' ||
    !/^[0-9a-fA-F]{40}$/.test(hashValue)
  )
    return { kind: 'unknown', code: 'malformed_response', message: 'no download_url with a SHA1 hash' };
  return { kind: 'bill', url, hashType: 'sha1', hashValue };
}
