/**
 * How the sandbox PSP signs its callbacks (the Stripe scheme, contract "Sandbox channel webhooks"):
 * `Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The vendor's
 * side of the scheme only; verifying is the receiver's business.
 */
import { createHmac } from 'node:crypto';

/** The header value for one body signed with `secret` at `t` (unix seconds). */
export function signatureHeader(secret: string, t: number, rawBody: string): string {
  const v1 = createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest('hex');
  return `t=${t},v1=${v1}`;
}
