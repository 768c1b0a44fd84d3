/**
 * Merchant request signatures (contract: "Request signing"): `Payments-Request-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<METHOD>.<path with query>.<raw body>")>`, the
 * scheme of Stripe's webhook signatures extended to the request line, so a captured request can be
 * replayed neither later (300 s) nor against another route or query. Several `v1` may be sent (a client
 * rolling its secret); one matching is enough. Compared in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const REQUEST_SIGNATURE_HEADER = 'Payments-Request-Signature';
/** How far a signature's `t` may be from our clock, either way. */
export const REQUEST_SIGNATURE_TOLERANCE_SECONDS = 300;
export const REQUEST_SIGNING_SECRET_PREFIX = 'rss_';

/** A new signing secret: 256 random bits. */
export function newRequestSigningSecret(): string {
  return `${REQUEST_SIGNING_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export interface SignedRequest {
  /** Upper case, as on the request line. */
  readonly method: string;
  /** The path as sent, with `?` and the raw query string when there is one. */
  readonly pathWithQuery: string;
  /** The body's bytes exactly as received (API Gateway's base64 transport encoding undone). */
  readonly body: Buffer;
}

/** The hex signature of `request` at `t`. */
export function signRequest(secret: string, t: number | string, request: SignedRequest): string {
  return createHmac('sha256', secret)
    .update(`${t}.${request.method}.${request.pathWithQuery}.`, 'utf8')
    .update(request.body)
    .digest('hex');
}

/** Why a signature is refused; `ok` when it verifies. */
export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'stale' | 'mismatch';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** Verifies a `Payments-Request-Signature` header value against the request and the secret. */
export function verifyRequestSignature(
  secret: string,
  header: string | undefined,
  request: SignedRequest,
  nowSeconds: number,
): SignatureVerdict {
  if (header === undefined || header.trim() === '') return 'missing';
  let t: string | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && t === undefined) t = value;
    else if (name === 'v1' && HEX_SHA256.test(value)) candidates.push(Buffer.from(value, 'hex'));
  }
  if (t === undefined || !/^\d{1,12}$/.test(t) || candidates.length === 0) return 'malformed';
  if (Math.abs(nowSeconds - Number(t)) > REQUEST_SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  const expected = Buffer.from(signRequest(secret, t, request), 'hex');
  // Every candidate is compared (no early exit), each in constant time.
  let matched = false;
  for (const candidate of candidates) if (timingSafeEqual(candidate, expected)) matched = true;
  return matched ? 'ok' : 'mismatch';
}
