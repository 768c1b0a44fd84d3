/**
 * Stripe's answers to our requests, read into the canonical submission and query results. Stripe does
 * not sign its API responses (TLS is the guarantee), so nothing is verified here. Status mapping, after
 * Stripe's error documentation:
 * - 2xx: accepted, with the object's id and what its status already says;
 * - 402 (card declined) and other 4xx business refusals: declined, with Stripe's `decline_code`/`code`;
 * - 401/403 (our key refused) and 429 (rate limited): unavailable — Stripe did not take the request;
 * - 409 (an idempotent request still in flight, or a key reused with other parameters): unknown;
 * - 503: unavailable; 500, 502, 504: unknown — Stripe says such a request may have been processed, so
 *   the payment is queried (or the create replayed with its Idempotency-Key) before any failover.
 */
import type { ChannelReply, QueryResult, SubmissionResult } from '../protocol.js';
import { fromStripeAmount } from './amount.js';

interface StripeObject {
  readonly id?: unknown;
  readonly object?: unknown;
  readonly status?: unknown;
  readonly amount?: unknown;
  readonly currency?: unknown;
  readonly error?: { readonly code?: unknown; readonly decline_code?: unknown; readonly message?: unknown };
}

function json(reply: ChannelReply): StripeObject | undefined {
  try {
    const value: unknown = JSON.parse(reply.body);
    return typeof value === 'object' && value !== null ? (value as StripeObject) : undefined;
  } catch {
    return undefined;
  }
}

/** PaymentIntent and Refund statuses → our state; anything still moving is `pending`. */
export function stripeState(status: unknown): 'pending' | 'succeeded' | 'failed' {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'canceled' || status === 'failed') return 'failed';
  return 'pending';
}

type Refusal = Exclude<SubmissionResult, { kind: 'accepted' }>;

function refusal(reply: ChannelReply, body: StripeObject | undefined): Refusal {
  const error = body?.error;
  const code = String(error?.decline_code ?? error?.code ?? `http_${reply.status}`);
  const message = typeof error?.message === 'string' ? error.message : `Stripe answered ${reply.status}`;
  const { status } = reply;
  if (status === 401 || status === 403 || status === 429 || status === 503)
    return { kind: 'unavailable', code, message };
  if (status >= 400 && status < 500 && status !== 409) return { kind: 'declined', code, message };
  return { kind: 'unknown', code, message };
}

/** Reads the answer to a PaymentIntent or Refund create. */
export function readSubmission(reply: ChannelReply): SubmissionResult {
  const body = json(reply);
  if (reply.status < 200 || reply.status >= 300) return refusal(reply, body);
  if (typeof body?.id !== 'string')
    return { kind: 'unknown', code: 'malformed_response', message: 'Stripe answered 2xx without an id' };
  return { kind: 'accepted', channelReference: body.id, state: stripeState(body.status) };
}

/** Reads the answer to a PaymentIntent retrieve; `currency` is ours, to rescale Stripe's amount. */
export function readQuery(reply: ChannelReply, currency: string): QueryResult {
  const body = json(reply);
  if (reply.status === 404) return { kind: 'not_found' };
  if (reply.status < 200 || reply.status >= 300) {
    const { kind, code, message } = refusal(reply, body);
    return { kind: kind === 'unavailable' ? kind : 'unknown', code, message };
  }
  if (typeof body?.id !== 'string' || typeof body.amount !== 'number')
    return { kind: 'unknown', code: 'malformed_response', message: 'Stripe answered 2xx without an object' };
  return {
    kind: 'found',
    state: stripeState(body.status),
    channelReference: body.id,
    amount: fromStripeAmount(body.amount, currency),
    currency: String(body.currency).toUpperCase(),
  };
}
