/**
 * The catalogue of problem types, without zod: every API bundle needs it, and importing the zod
 * schema module only for these constants would put zod (~40 KB even as zod/mini) into bundles that
 * validate nothing (get, list refunds, health).
 */
import type { Problem } from './problem.js';

export type { Problem };

/** Every problem `type` is this base followed by a stable slug; clients may switch on the slug. */
export const PROBLEM_TYPE_BASE = 'https://payments.example/problems/';

/**
 * The catalogue of problems the API answers: slug → HTTP status and title. The slug is the stable
 * code; titles are fixed per slug (RFC 9457), details vary per occurrence.
 */
export const PROBLEMS = {
  'validation-error': { status: 400, title: 'Your request is not valid' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON' },
  'card-data-refused': { status: 400, title: 'Card numbers are not accepted' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  'invalid-signature': { status: 401, title: 'The signature is missing, wrong or stale' },
  'invalid-request-signature': {
    status: 401,
    title: 'The request signature is missing, wrong or stale',
  },
  forbidden: { status: 403, title: 'This key may not use this route' },
  'merchant-suspended': { status: 403, title: 'The merchant is suspended' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'This method is not allowed on this path' },
  'payment-not-refundable': { status: 409, title: 'Only a succeeded payment can be refunded' },
  'concurrent-modification': { status: 409, title: 'A concurrent request changed this object; retry' },
  'payment-not-in-review': { status: 409, title: 'The payment is not held in risk review' },
  'redrive-in-progress': { status: 409, title: 'A redrive of this dead-letter queue is already running' },
  'redrive-not-supported': { status: 409, title: 'This dead-letter queue cannot be redriven' },
  'discrepancy-repaired': { status: 409, title: 'A repaired discrepancy is closed and cannot be resolved' },
  'merchant-state-conflict': { status: 409, title: 'The merchant’s status does not allow this change' },
  'merchant-not-active': { status: 409, title: 'Only an active merchant is issued API keys' },
  'api-key-not-active': { status: 409, title: 'Only an active API key can be rolled' },
  'unsupported-media-type': { status: 415, title: 'Send the body as application/json' },
  'idempotency-key-reused': { status: 422, title: 'This Idempotency-Key was used for another request' },
  'refund-exceeds-remaining': { status: 422, title: 'The refund exceeds what remains refundable' },
  'unknown-reference': { status: 422, title: 'The reference does not name one of our objects' },
  'risk-rejected': { status: 422, title: 'The payment was refused by risk control' },
  'channel-quota-exceeded': { status: 422, title: 'The channel’s daily quota has no room for this payment' },
  'currency-not-supported': { status: 422, title: 'The channel does not take this currency' },
  'rate-limited': { status: 429, title: 'Too many requests for this merchant; retry after the delay given' },
  'internal-error': { status: 500, title: 'Something went wrong on our side' },
  'service-unavailable': { status: 503, title: 'We are busy right now; retry shortly' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
}

/** Builds the problem document for `code`. */
export function problem(code: ProblemCode, detail: string, errors?: readonly ProblemFieldError[]): Problem {
  const { status, title } = PROBLEMS[code];
  const body: Problem = { type: `${PROBLEM_TYPE_BASE}${code}`, title, status, detail };
  if (errors && errors.length > 0) body.errors = errors.map((e) => ({ path: e.path, message: e.message }));
  return body;
}

/**
 * 422 `risk-rejected`: the before-checks refused a create. `reasons` holds their stable codes
 * (domain/risk/before.ts), e.g. `["blocked_email", "single_transaction_limit"]`.
 */
export function riskRejected(reasons: readonly string[]): Problem {
  return {
    ...problem('risk-rejected', `Refused by risk control: ${reasons.join(', ')}.`),
    reasons: [...reasons],
  };
}

/**
 * 422 `channel-quota-exceeded`: a payment pinned to `channel` would take the merchant's daily quota for
 * it in `currency` past its limit (used today + this amount > limit). Stored at the key's slot like any
 * refusal, so a retry replays it.
 */
export function channelQuotaExceeded(channel: string, currency: string): Problem {
  return problem(
    'channel-quota-exceeded',
    `The payment is pinned to ${channel}, and the merchant's daily quota for ${channel} in ${currency} has no room for it. Send it without a channel to let routing choose, or later.`,
  );
}

/** 422 `currency-not-supported`: a payment pinned to a channel that does not take its currency. */
export function currencyNotSupported(channel: string, currency: string): Problem {
  return problem('currency-not-supported', `${channel} does not take ${currency}.`);
}
