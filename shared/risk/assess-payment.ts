/**
 * Risk during: what the risk consumer does for one event. Thin orchestration of the pure score
 * (domain/risk) and the stores; every step is idempotent, so any redelivery converges:
 *
 * PaymentCreated: the payment as the event carries it (else read: already assessed? only the follow-ups)
 * → the merchant's profile as it is now → count the payment once and take its signals (one read, one
 * guarded write per counter item) → score → the decision to core (apply-decisions.ts: ONE guarded write of `risk` and its effect,
 * hold or cancel a processing payment, and the full refund a rejected succeeded payment is owed; the
 * payment and its refunds are core's) → the day's summary (only by the delivery whose write set `risk`) →
 * the review hold kept in step with the payment's review status (risk's items, from core's answer).
 * A crash between the decision and the hold is repaired by the redelivery: the payment is already
 * assessed, so only the follow-ups run.
 */

import { type IpCountryLookup, ipCountryOf } from '../domain/risk/ip-country.js';
import { assess, type RiskAssessment } from '../domain/risk/score.js';
import type { RiskProfile } from '../schemas/risk-profile.js';
import type { RiskPaymentItem } from '../store/dynamodb/payment-risk.js';
import type { DynamoRiskAssessmentStore } from '../store/dynamodb/risk-assessments.js';
import { type AssessmentRecorder, utcDay } from '../store/dynamodb/risk-summaries.js';
import { metadataOf } from '../store/items.js';
import type { RiskDecisionAnswer, RiskDecisionApplier, RiskDecisionInput } from './apply-decisions.js';
import { DecisionNotAppliedError } from './errors.js';
import type { PaymentToAssess } from './payment-created-reads.js';
import { type ReviewHolds, syncReviewHold } from './review-holds.js';

export interface RiskControlDeps {
  /** The payment as it is now (read only: core writes it). */
  readonly payments: { getItem(paymentId: string): Promise<RiskPaymentItem | undefined> };
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
 * Assesses the payment of a `PaymentCreated` event (idempotent per event and per payment): the payment as
 * the event carries it, else as stored (then an assessed one only gets its follow-ups).
 */
export async function assessPayment(
  deps: RiskControlDeps,
  input: { readonly eventId: string; readonly paymentId: string; readonly payment?: PaymentToAssess },
): Promise<AssessOutcome> {
  const now = deps.now?.() ?? new Date();
  const item = input.payment ?? (await readPayment(deps, input.paymentId));
  if (!item) return { kind: 'unknown_payment' };
  if (item.risk) return followUp(deps, item.id);

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

/**
 * What an assessed payment's state still owes, redelivered: core completes the refund a rejected
 * succeeded payment is owed (created once), risk keeps the payment's review hold in step.
 */
async function followUp(deps: RiskControlDeps, paymentId: string): Promise<AssessOutcome> {
  const answer = await decide(deps, { kind: 'follow_up', paymentId });
  if (answer.outcome === 'unknown_payment') return { kind: 'unknown_payment' };
  await syncReviewHold(deps.holds, answer);
  return { kind: 'already_assessed', ...refundOf(answer) };
}

/** The stored payment (an event that does not carry what the score reads). */
async function readPayment(deps: RiskControlDeps, paymentId: string): Promise<PaymentToAssess | undefined> {
  const item = await deps.payments.getItem(paymentId);
  return item && { ...item, metadata: metadataOf(item) };
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
