/**
 * WeChat Pay API v3's cryptography, the platform's side: checking a merchant's `Authorization`, signing
 * answers and notifications with the platform key, and encrypting a notification's resource with the
 * APIv3 key (AEAD_AES_256_GCM: the 32-character key as bytes, a 12-character nonce, ciphertext ‖ tag).
 */
import { createCipheriv, createSign, createVerify, randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random alphanumerics (a little biased; only a nonce). */
export function nonceStr(length = 32): string {
  return [...randomBytes(length)].map((b) => ALPHANUMERIC[b % 62]).join('');
}

export interface Merchant {
  readonly mchid: string;
  readonly serial: string;
  readonly publicKey: string;
}

/**
 * Whether `authorization` is a valid `WECHATPAY2-SHA256-RSA2048` signature of this request by the
 * merchant: its mchid and certificate serial, a timestamp within 300 s, and the RSA signature over
 * `METHOD\nURL\ntimestamp\nnonce\nbody\n` (URL: path and query as sent).
 */
export function merchantSigned(
  authorization: string | undefined,
  merchant: Merchant,
  method: string,
  url: string,
  body: string,
  nowSeconds: number,
): boolean {
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(authorization ?? '');
  if (!match?.[1]) return false;
  const fields: Record<string, string> = {};
  for (const part of match[1].matchAll(/(\w+)="([^"]*)"/g)) fields[part[1] as string] = part[2] as string;
  const { mchid, nonce_str: nonce, signature, timestamp, serial_no: serial } = fields;
  if (mchid !== merchant.mchid || serial !== merchant.serial || !nonce || !signature || !timestamp)
    return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  return createVerify('RSA-SHA256')
    .update(`${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`, 'utf8')
    .verify(merchant.publicKey, signature, 'base64');
}

/** The `Wechatpay-*` headers of an answer or a notification body. */
export function platformHeaders(privateKey: string, serial: string, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = nonceStr();
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': serial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    'wechatpay-signature': createSign('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n${body}\n`, 'utf8')
      .sign(privateKey, 'base64'),
  };
}

/** A notification's encrypted `resource`. */
export function encryptResource(apiV3Key: string, originalType: string, plaintext: string) {
  const nonce = nonceStr(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(originalType, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: originalType,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: ciphertext.toString('base64'),
    associated_data: originalType,
    nonce,
  };
}
