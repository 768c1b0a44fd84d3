/**
 * Risk during: what the risk consumer does for one event. Thin orchestration of the pure score
 * (domain/risk) and the stores; every step is idempotent, so any redelivery converges:
 *
 * PaymentCreated: the payment as the event carries it (risk never reads core's item) → the merchant's profile as it is now → count the payment once and take its signals (one read, one
 * guarded write per counter item) → score → the decision to core (apply-decisions.ts: ONE guarded write of `risk` and its effect,
 * hold or cancel a processing payment, and the full refund a rejected succeeded payment is owed; the
 * payment and its refunds are core's) → the day's summary (only by the delivery whose write set `risk`) →
 * the review hold kept in step with the payment's review status (risk's items, from core's answer).
 * A crash between the decision and the hold is repaired by the redelivery: the payment is already
 * assessed, so core answers its state (completing the refund it owes) and the hold follows it; nothing is
 * counted twice (the counters remember the payment, the summary counts only the write that set `risk`).
 */

import { type IpCountryLookup, ipCountryOf } from '../domain/risk/ip-country.js';
import { assess, type RiskAssessment } from '../domain/risk/score.js';
import type { RiskProfile } from '../schemas/risk-profile.js';
import type { DynamoRiskAssessmentStore } from '../store/dynamodb/risk-assessments.js';
import { type AssessmentRecorder, utcDay } from '../store/dynamodb/risk-summaries.js';
import type { RiskDecisionAnswer, RiskDecisionApplier, RiskDecisionInput } from './apply-decisions.js';
import { DecisionNotAppliedError } from './errors.js';
import type { PaymentToAssess } from './payment-created-reads.js';
import { type ReviewHolds, syncReviewHold } from './review-holds.js';

export interface RiskControlDeps {
  readonly counters: DynamoRiskAssessmentStore;
  /** The store (one write per assessment) or a consumer batch's recorder (one per merchant-day). */
  readonly summaries: AssessmentRecorder;
  readonly profiles: { get(merchantId: string, now?: Date): Promise<RiskProfile> };
  /** Core's function applying the decisions (one invoke per consumer batch), or the same code in-process. */
  readonly decisions: RiskDecisionApplier;
  readonly holds: ReviewHolds;
  readonly ipCountry?: IpCountryLookup;
  readonly now?: () => Date;
}

export type AssessOutcome =
  | {
      readonly kind: 'assessed';
      readonly assessment: RiskAssessment;
      /** False when an earlier delivery of this event already counted the payment. */
      readonly counted: boolean;
      /** The HTTP status of the refund the payment was owed (201, or the stored refusal). */
      readonly refundStatus?: number;
    }
  | { readonly kind: 'already_assessed'; readonly refundStatus?: number }
  | { readonly kind: 'unknown_payment' };

/**
 * Assesses the payment of a `PaymentCreated` event (idempotent per event and per payment), as the event
 * carries it.
 */
export async function assessPayment(
  deps: RiskControlDeps,
  input: { readonly eventId: string; readonly payment: PaymentToAssess },
): Promise<AssessOutcome> {
  const now = deps.now?.() ?? new Date();
  const item = input.payment;

  const profile = await deps.profiles.get(item.merchantId, now);
  const window = profile.velocityWindowMinutes;
  const { counted, signals: counts } = await deps.counters.countOnce(item, window, now);
  const signals = {
    ...counts,
    ipCountry: ipCountryOf({ customer: item.customer, metadata: item.metadata }, deps.ipCountry),
  };
  const assessment = assess(profile, item, signals);
  const answer = await decide(deps, {
    kind: 'assessment',
    paymentId: item.id,
    risk: { ...assessment, assessedAt: now.toISOString() },
    status: item.status,
    autoRefundOnReject: profile.autoRefundOnReject,
  });
  if (answer.outcome === 'unknown_payment') return { kind: 'unknown_payment' };
  if (answer.outcome === 'written') {
    await deps.summaries.recordAssessment(item.merchantId, utcDay(item.createdAt), {
      decision: assessment.decision,
      reasons: assessment.reasons,
      amount: item.amount,
      currency: item.currency,
    });
    await syncReviewHold(deps.holds, answer);
    return { kind: 'assessed', assessment, counted, ...refundOf(answer) };
  }
  // Assessed by a concurrent delivery meanwhile: core answered its state and completed what it owes.
  await syncReviewHold(deps.holds, answer);
  return { kind: 'already_assessed', ...refundOf(answer) };
}

/** Core's answer to one decision. @throws DecisionNotAppliedError when core could not apply it. */
async function decide(deps: RiskControlDeps, decision: RiskDecisionInput): Promise<RiskDecisionAnswer> {
  const [answer] = await deps.decisions([decision]);
  if (!answer || answer.outcome === 'failed')
    throw new DecisionNotAppliedError(decision.paymentId, answer?.error);
  return answer;
}

const refundOf = (answer: RiskDecisionAnswer) =>
  answer.refundStatus === undefined ? {} : { refundStatus: answer.refundStatus };
