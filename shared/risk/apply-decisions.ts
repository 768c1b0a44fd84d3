/**
 * The contract between risk and core for risk's decisions on a payment: risk decides, core (which owns
 * the payment and its refunds) writes. Risk's consumer sends one batch per SQS batch of PaymentCreated,
 * the ops review route one decision per request, to core's function `apply-risk-decisions`
 * (functions/internal/apply-risk-decisions.ts). Both sides parse with these schemas.
 *
 * Every decision is idempotent on the payment's state (an assessment is written once, a review taken
 * once, the owed refund created once under a key derived from the payment id), so a retried batch
 * converges. Each decision is answered on its own, in order: one payment's failure fails only its answer.
 */
import * as z from 'zod/mini';
import { PAYMENT_STATUSES } from '../domain/payment.js';
import { REVIEW_DECISIONS, REVIEW_STATUSES } from '../domain/risk/review.js';
import { defined } from '../schemas/defined.js';
import { paymentSchema, riskSchema } from '../schemas/payment.js';

const paymentId = /* @__PURE__ */ defined(() => z.string().check(z.startsWith('pay_')));

/** At most one SQS batch of the consumer (10 messages) and then some: the answer stays small. */
export const MAX_DECISIONS = 100;

export const riskDecisionSchema = /* @__PURE__ */ defined(() =>
  z.discriminatedUnion('kind', [
    // The score of an unassessed payment: written once with its effect (hold, or cancel a processing
    // payment; a rejected succeeded payment is refunded unless the profile holds it for ops). Core stamps
    // `risk.assessedAt` with the time it writes it; the time risk sends is when it scored.
    z.object({
      kind: z.literal('assessment'),
      paymentId,
      risk: riskSchema,
      /** The status the score was taken on: an effect is only written on the status it was planned for. */
      status: z.enum(PAYMENT_STATUSES),
      autoRefundOnReject: z.boolean(),
    }),
    // Ops' decision on a held payment.
    z.object({ kind: z.literal('review'), paymentId, decision: z.enum(REVIEW_DECISIONS) }),
  ]),
);
export type RiskDecisionInput = z.infer<typeof riskDecisionSchema>;

export const applyRiskDecisionsRequest = /* @__PURE__ */ defined(() =>
  z.object({
    decisions: z.array(riskDecisionSchema).check(z.minLength(1), z.maxLength(MAX_DECISIONS)),
  }),
);
export type ApplyRiskDecisionsRequest = z.infer<typeof applyRiskDecisionsRequest>;

export const DECISION_OUTCOMES = [
  /** The assessment (and its effect) was written now: risk counts it in the day's summary. */
  'written',
  /** Assessed before (a redelivery or a racing delivery): nothing written but what is still owed. */
  'already_assessed',
  /** The review was taken now. */
  'reviewed',
  /** The same review was taken before: nothing changed. */
  'replayed',
  /** Not held: never was, or ops took the other decision (`reviewStatus` says which). */
  'not_in_review',
  'unknown_payment',
  /** Could not be applied now (e.g. the store refused): retry the decision. */
  'failed',
] as const;

export const riskDecisionAnswerSchema = /* @__PURE__ */ defined(() =>
  z.object({
    paymentId,
    outcome: z.enum(DECISION_OUTCOMES),
    /**
     * What risk needs of the payment for its own items: its merchant and creation time (the review
     * hold's key and queue position, the summary's day) and its review status after the decision (held:
     * the hold is kept; released or rejected: released).
     */
    merchantId: z.optional(z.string()),
    createdAt: z.optional(z.string()),
    reviewStatus: z.optional(z.enum(REVIEW_STATUSES)),
    /** The HTTP status of the owed refund's answer (201, or the stored refusal), when one is owed. */
    refundStatus: z.optional(z.number()),
    /** Reviews only: the payment as the review route answers it. */
    payment: z.optional(paymentSchema),
    /** `failed`: the error's name and message, for the caller's logs. */
    error: z.optional(z.object({ name: z.string(), message: z.string() })),
  }),
);
export type RiskDecisionAnswer = z.infer<typeof riskDecisionAnswerSchema>;

export const applyRiskDecisionsAnswer = /* @__PURE__ */ defined(() =>
  z.object({ answers: z.array(riskDecisionAnswerSchema) }),
);
export type ApplyRiskDecisionsAnswer = z.infer<typeof applyRiskDecisionsAnswer>;

/** Applies a batch of decisions, answering each in order: core's function, or the same code in-process. */
export type RiskDecisionApplier = (
  decisions: readonly RiskDecisionInput[],
) => Promise<readonly RiskDecisionAnswer[]>;
