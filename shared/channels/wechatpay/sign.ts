/**
 * WeChat Pay API v3 signatures (SHA256withRSA, base64), both ways:
 * - our requests: `"<METHOD>\n<path?query>\n<timestamp>\n<nonce>\n<body>\n"` signed with our merchant
 *   key, sent as `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",
 *   timestamp="…",serial_no="…"` (the serial names our key so WeChat Pay picks the right public key);
 * - its answers and notifications: `"<timestamp>\n<nonce>\n<body>\n"` signed with a platform key named by
 *   `Wechatpay-Serial`, which must be one we trust (several during a rotation), with the timestamp
 *   within 300 s of ours, as wechatpay-axios-plugin's response verifier requires.
 */
import { createSign, createVerify, type KeyObject, randomBytes } from 'node:crypto';
import { header, type NotificationFailure } from '../protocol.js';

export const MAX_CLOCK_OFFSET_SECONDS = 300;

export interface WechatpayMerchant {
  /** Locally `1900000001`. */
  readonly mchid: string;
  /** Our merchant API key's serial, locally `MERCHANT_SERIAL_LOCAL_0001`. */
  readonly serial: string;
  readonly privateKey: KeyObject | string;
}

/** The message a request's signature covers. `url` is the path with its query string. */
export const requestMessage = (method: string, url: string, timestamp: number, nonce: string, body: string) =>
  `${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;

/** The message an answer's or a notification's signature covers. */
export const responseMessage = (timestamp: string, nonce: string, body: string) =>
  `${timestamp}\n${nonce}\n${body}\n`;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 random alphanumerics, as WeChat Pay's SDKs make `nonce_str`. */
export function nonce(): string {
  // 62 does not divide 256: bytes ≥ 248 are skipped so every character is equally likely.
  let out = '';
  while (out.length < 32)
    for (const b of randomBytes(48)) if (b < 248 && out.length < 32) out += ALPHANUMERIC[b % 62];
  return out;
}

/** The `Authorization` header of one request. */
export function authorization(
  merchant: WechatpayMerchant,
  method: string,
  url: string,
  body: string,
  timestamp: number,
  nonceStr: string,
): string {
  const signature = createSign('RSA-SHA256')
    .update(requestMessage(method, url, timestamp, nonceStr, body), 'utf8')
    .sign(merchant.privateKey, 'base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${merchant.mchid}",nonce_str="${nonceStr}",signature="${signature}",timestamp="${timestamp}",serial_no="${merchant.serial}"`;
}

export type SignedVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: NotificationFailure };

/**
 * Verifies the `Wechatpay-*` headers of an answer or a notification over its raw body.
 * @param platformKeys trusted platform public keys by serial (several during a rotation)
 * @param nowSeconds current unix time, injected so tests control the clock
 */
export function verifySigned(
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  platformKeys: Readonly<Record<string, KeyObject | string>>,
  nowSeconds: number,
): SignedVerdict {
  const timestamp = header(headers, 'wechatpay-timestamp');
  const nonceStr = header(headers, 'wechatpay-nonce');
  const serial = header(headers, 'wechatpay-serial');
  const signature = header(headers, 'wechatpay-signature');
  if (!timestamp || !nonceStr || !serial || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature))
    return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_CLOCK_OFFSET_SECONDS)
    return { ok: false, reason: 'stale' };
  if (!Object.hasOwn(platformKeys, serial)) return { ok: false, reason: 'unknown_serial' };
  const valid = createVerify('RSA-SHA256')
    .update(responseMessage(timestamp, nonceStr, body), 'utf8')
    .verify(platformKeys[serial] as KeyObject | string, signature, 'base64');
  return valid ? { ok: true } : { ok: false, reason: 'mismatch' };
}
