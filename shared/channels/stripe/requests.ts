/**
 * The requests the product sends to Stripe: PaymentIntent create and retrieve, Refund create. Bodies
 * are `application/x-www-form-urlencoded` with nested keys (`metadata[reference]`), encoded the way
 * stripe-node encodes them; our `pay_`/`re_` id is both `metadata[reference]` (so events and
 * statements name it) and the `Idempotency-Key` (so a retried create never makes a second charge, and
 * replaying a timed-out create tells what Stripe did with it).
 */
import type { ChannelRequest } from '../protocol.js';
import { stripeCurrency, toStripeAmount } from './amount.js';

export const STRIPE_API = 'https://api.stripe.com';

export interface StripeCredentials {
  /** `sk_…`; locally `sk_test_local_stripe`. */
  readonly secretKey: string;
  /** Base URL; the local simulator's in local runs. */
  readonly apiBase?: string;
}

type FormValue = string | number | boolean | undefined | { readonly [key: string]: FormValue };

// encodeURIComponent leaves !*()' alone where qs (and so stripe-node) escapes them; brackets stay
// readable, which Stripe accepts.
const encode = (text: string) =>
  encodeURIComponent(text)
    .replace(/[!*()']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%5B/g, '[')
    .replace(/%5D/g, ']');

/** Stripe's form encoding of nested parameters, in insertion order; undefined values are left out. */
export function formEncode(params: { readonly [key: string]: FormValue }, prefix = ''): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const name = prefix ? `${prefix}[${key}]` : key;
    if (typeof value === 'object') {
      const nested = formEncode(value, name);
      if (nested) parts.push(nested);
    } else parts.push(`${encode(name)}=${encode(String(value))}`);
  }
  return parts.join('&');
}

function request(
  credentials: StripeCredentials,
  method: 'GET' | 'POST',
  path: string,
  body?: { readonly [key: string]: FormValue },
  idempotencyKey?: string,
): ChannelRequest {
  const headers: Record<string, string> = { authorization: `Bearer ${credentials.secretKey}` };
  if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const url = `${credentials.apiBase ?? STRIPE_API}${path}`;
  return body ? { method, url, headers, body: formEncode(body) } : { method, url, headers };
}

export interface StripePaymentInput {
  /** Our `pay_` id. */
  readonly reference: string;
  /** Minor units of `currency` (ISO 4217), rescaled to Stripe's unit here. */
  readonly amount: number;
  readonly currency: string;
  readonly description?: string;
  /** Extra metadata (string values), e.g. the local simulator's `sandbox_outcome`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** POST /v1/payment_intents. @throws AmountFormatError when Stripe cannot carry the amount exactly */
export function createPaymentIntent(credentials: StripeCredentials, p: StripePaymentInput): ChannelRequest {
  const body = {
    amount: toStripeAmount(p.amount, p.currency),
    currency: stripeCurrency(p.currency).code,
    description: p.description,
    metadata: { ...p.metadata, reference: p.reference },
  };
  return request(credentials, 'POST', '/v1/payment_intents', body, p.reference);
}

/** GET /v1/payment_intents/{id}: the PaymentIntent's current state. */
export function retrievePaymentIntent(
  credentials: StripeCredentials,
  paymentIntentId: string,
): ChannelRequest {
  return request(credentials, 'GET', `/v1/payment_intents/${encodeURIComponent(paymentIntentId)}`);
}

export interface StripeRefundInput {
  /** Our `re_` id. */
  readonly reference: string;
  /** The PaymentIntent (`pi_…`) being refunded: the payment's channel reference. */
  readonly paymentIntent: string;
  readonly amount: number;
  readonly currency: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** POST /v1/refunds. @throws AmountFormatError when Stripe cannot carry the amount exactly */
export function createRefund(credentials: StripeCredentials, r: StripeRefundInput): ChannelRequest {
  const body = {
    payment_intent: r.paymentIntent,
    amount: toStripeAmount(r.amount, r.currency),
    metadata: { ...r.metadata, reference: r.reference },
  };
  return request(credentials, 'POST', '/v1/refunds', body, r.reference);
}

/**
 * GET /v1/payment_intents/search: the PaymentIntent carrying our `pay_` id, for a status query when its
 * `pi_` id is not known (the create timed out, or it was never written back). Stripe's search index
 * trails writes by up to a minute, so an empty answer right after a create is not yet proof.
 */
export function searchPaymentIntents(credentials: StripeCredentials, reference: string): ChannelRequest {
  // Our ids are [A-Za-z0-9_] only, so the quoted value needs no escaping.
  const query = formEncode({ query: `metadata['reference']:'${reference}'`, limit: 1 });
  return request(credentials, 'GET', `/v1/payment_intents/search?${query}`);
}

/** GET /v1/refunds?payment_intent=: a PaymentIntent's refunds (newest first, up to 100). */
export function listRefunds(credentials: StripeCredentials, paymentIntent: string): ChannelRequest {
  return request(
    credentials,
    'GET',
    `/v1/refunds?${formEncode({ payment_intent: paymentIntent, limit: 100 })}`,
  );
}
