/**
 * `Payments-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` on every
 * delivery to a merchant endpoint. The same scheme as the sandbox channel's `Sandbox-Signature` (and
 * Stripe's), so the one constant-time implementation in shared/channels/sandbox/signature.ts serves
 * both directions; only the header name and the secrets differ.
 */
import { randomBytes } from 'node:crypto';
import { type SignatureVerdict, signatureHeader, verifySignature } from '../channels/sandbox/signature.js';

export type { SignatureVerdict } from '../channels/sandbox/signature.js';

export const PAYMENTS_SIGNATURE_HEADER = 'Payments-Signature';
export const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` + 32 random bytes, base64url (43 characters). */
export function generateEndpointSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The header value for `rawBody` sent at unix time `t`. */
export function signPayload(secret: string, t: number, rawBody: string): string {
  return signatureHeader(secret, t, rawBody);
}

/**
 * What a merchant runs on its side (and our tests do): the header must carry a `v1` over exactly
 * `rawBody` with `secret`, and a `t` within `toleranceSeconds` (default 300) of `nowSeconds`.
 */
export function verifyPayload(
  header: string | undefined,
  rawBody: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds?: number,
): SignatureVerdict {
  return verifySignature(header, rawBody, [secret], nowSeconds, toleranceSeconds);
}
