/**
 * The sandbox channel's webhook signature, the Stripe scheme:
 * `Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, with several
 * `v1=` values allowed while a secret rotates. Comparison is constant-time; the timestamp bounds
 * replay of a captured delivery to the tolerance window.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureFailure } from '../types.js';

export const SIGNATURE_HEADER = 'sandbox-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Hex HMAC-SHA256 of `"<t>.<raw body>"`. */
export function sign(secret: string, t: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest('hex');
}

/** The full header value for one secret (or several, as a channel does during rotation). */
export function signatureHeader(
  secrets: string | readonly string[],
  t: number,
  rawBody: string | Buffer,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${t}`, ...list.map((s) => `v1=${sign(s, t, rawBody)}`)].join(',');
}

export type SignatureVerdict =
  | { readonly ok: true; readonly t: number }
  | { readonly ok: false; readonly reason: SignatureFailure };

/**
 * Verifies a `Sandbox-Signature` header against any of `secrets`.
 * @param nowSeconds current unix time, injected so tests control the clock
 */
export function verifySignature(
  header: string | undefined,
  rawBody: string | Buffer,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureVerdict {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };
  let t: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed' };
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return { ok: false, reason: 'malformed' };
      t = Number(value);
    } else if (name === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return { ok: false, reason: 'malformed' };
      candidates.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (v0, future versions) are ignored, as Stripe's clients do.
  }
  if (t === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: 'stale' };
  for (const secret of secrets) {
    const expected = Buffer.from(sign(secret, t, rawBody), 'hex');
    // Every candidate is compared in constant time; lengths are equal by the regex above.
    for (const candidate of candidates) if (timingSafeEqual(expected, candidate)) return { ok: true, t };
  }
  return { ok: false, reason: 'mismatch' };
}
