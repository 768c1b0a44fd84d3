/**
 * The contract between the channels service (and reconciliation's repairs) and core's function that
 * applies what a channel said about a payment or refund (functions/internal/apply-channel-outcomes.ts):
 * the payment and its refunds are core's items, so only core writes them (DESIGN.md 7).
 *
 * A request is a batch of independent operations, answered one result per operation in the same order:
 * - `outcome`: a channel's final word (a notification, a status query's answer, a reconciliation repair),
 *   applied by the guarded write of channel-outcomes.ts. An Alipay refund notify states the trade's
 *   cumulative refunds (`cumulativeRefunded`): core, which holds the refunds, turns it into this refund's
 *   own amount (domain/cumulative-refund.ts) before applying it;
 * - `failPayment`, `failRefund`, `failOver`: the dispatcher's and the checks' guarded moves of a
 *   submission the channel refused, lost or could not take (channel-dispatch.ts); `stale` when the object
 *   was no longer where the caller saw it (nothing written).
 * An operation that failed (throttled, a transaction conflict that outlasted its retries) answers `error`
 * alone, so a caller retries that one record, not its whole batch. Every operation is idempotent: each
 * write is guarded, and records are keyed by the channel's event id.
 *
 * zod/mini: the dispatcher's and the checks' bundles stay small (see config/env.ts).
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';
import type { OutcomeResult } from '../store/ports.js';

/** More than a stream batch (25) or a queue batch (10) ever asks at once; a bound for the function's time. */
export const MAX_OPS = 100;

// As loose as the stores' own types, so the contract refuses nothing they applied in-process: a channel's
// reference may be empty (a WeChat Pay trade closed before it was paid), a derived amount may disagree.
const id = /* @__PURE__ */ defined(() => z.string().check(z.minLength(1)));
const amount = /* @__PURE__ */ defined(() => z.int());
const instant = /* @__PURE__ */ defined(() =>
  z.pipe(
    z.iso.datetime(),
    z.transform((s: string) => new Date(s)),
  ),
);

export const outcomeOpSchema = /* @__PURE__ */ defined(() =>
  z.object({
    op: z.literal('outcome'),
    subject: z.enum(['payment', 'refund']),
    channel: id,
    eventId: id,
    reference: id,
    to: z.enum(['succeeded', 'failed']),
    channelReference: z.string(),
    amount,
    currency: z.string(),
    /** When it happened at the channel: its UTC day is the statement it is on. */
    occurredAt: z.string(),
    now: instant,
    /** An Alipay refund notify's cumulative refunds of the trade; `amount` is then that same figure. */
    cumulativeRefunded: z.optional(amount),
  }),
);

export const failPaymentOpSchema = /* @__PURE__ */ defined(() =>
  z.object({
    op: z.literal('failPayment'),
    paymentId: id,
    channel: id,
    failureCode: z.enum(['declined', 'channel_unavailable']),
    attempt: z.enum(['declined', 'unavailable']),
    at: instant,
  }),
);

export const failRefundOpSchema = /* @__PURE__ */ defined(() =>
  z.object({
    op: z.literal('failRefund'),
    refundId: id,
    paymentId: id,
    channel: id,
    amount,
    at: instant,
  }),
);

export const failOverOpSchema = /* @__PURE__ */ defined(() =>
  z.object({
    op: z.literal('failOver'),
    paymentId: id,
    from: id,
    to: id,
    at: instant,
    /** The quota count moving with the payment (quota-usage.ts), when either channel has a quota. */
    quota: z.optional(
      z.object({
        merchantId: id,
        currency: z.string(),
        amount,
        createdAt: instant,
        from: z.optional(id),
        to: z.optional(id),
      }),
    ),
  }),
);

export const applyOutcomesRequestSchema = /* @__PURE__ */ defined(() =>
  z.object({
    ops: z
      .array(
        z.discriminatedUnion('op', [
          outcomeOpSchema,
          failPaymentOpSchema,
          failRefundOpSchema,
          failOverOpSchema,
        ]),
      )
      .check(z.minLength(1), z.maxLength(MAX_OPS)),
  }),
);

export const applyResultSchema = /* @__PURE__ */ defined(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('applied') }),
    z.object({ kind: z.literal('already_applied') }),
    z.object({ kind: z.literal('conflict'), status: z.string() }),
    z.object({ kind: z.literal('mismatch'), fields: z.array(z.enum(['amount', 'currency', 'channel'])) }),
    z.object({ kind: z.literal('unknown_reference') }),
    z.object({ kind: z.literal('stale') }),
    z.object({ kind: z.literal('error'), code: z.string(), message: z.string() }),
  ]),
);

export const applyOutcomesAnswerSchema = /* @__PURE__ */ defined(() =>
  z.object({ results: z.array(applyResultSchema) }),
);

export type ApplyOutcomesRequest = z.input<typeof applyOutcomesRequestSchema>;
/** An operation as a caller sends it (instants as ISO 8601 strings, as JSON carries them). */
export type ApplyOp = ApplyOutcomesRequest['ops'][number];
/** An operation as core reads it (instants as dates). */
export type ParsedApplyOp = z.output<typeof applyOutcomesRequestSchema>['ops'][number];
/** What the store answered for an operation (its port's result), `stale`, or `error` (schema above). */
export type ApplyResult =
  | OutcomeResult
  | { readonly kind: 'stale' }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };
export interface ApplyOutcomesAnswer {
  readonly results: readonly ApplyResult[];
}
