/**
 * Alipay's RSA2 signature (SHA256withRSA, base64) over the "content to sign": the parameters sorted by
 * name, `k=v` joined with `&`, empty values left out. Requests sign every parameter but `sign`
 * (`sign_type` included); notifies sign every parameter but `sign` and `sign_type`. Values are used as
 * they were received — decoded once from the form body, never decoded again — as alipay-sdk's
 * `checkNotifySignV2` does (its `checkNotifySign` decoded twice and broke on a literal `%`).
 */
import { createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

/** The content to sign: sorted `k=v&…` of the non-empty parameters not in `exclude`. */
export function signContent(params: Readonly<Record<string, string>>, exclude: readonly string[]): string {
  return Object.keys(params)
    .filter((key) => !exclude.includes(key) && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

/** Base64 SHA256withRSA signature of `content` (UTF-8). */
export function rsa2Sign(content: string, privateKey: KeyObject | string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64');
}

/**
 * True when `signature` is a valid SHA256withRSA signature of `content` by any of `publicKeys` (several
 * during a rotation of Alipay's key). RSA verification compares no secret, so no timing concern here.
 */
export function rsa2Verify(
  content: string,
  signature: string,
  publicKeys: readonly (KeyObject | string)[],
): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  return publicKeys.some((key) =>
    createVerify('RSA-SHA256').update(content, 'utf8').verify(key, signature, 'base64'),
  );
}

/**
 * Parses PEM public keys once, at cold start, so a mangled key in the channel's secret fails loudly
 * there instead of refusing every notify later.
 */
export function loadPublicKeys(pems: readonly string[]): KeyObject[] {
  return pems.map((pem) => createPublicKey(pem));
}

/** Alipay writes times in Beijing time, `yyyy-MM-dd HH:mm:ss` (sometimes with `.SSS`). */
export function beijingTimeToIso(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?$/.exec(text);
  if (!m) return undefined;
  const date = new Date(`${m[1]}T${m[2]}${m[3] ?? ''}+08:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An instant in Beijing time, `yyyy-MM-dd HH:mm:ss`, as Alipay's `timestamp` parameter wants it. */
export function isoToBeijingTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
