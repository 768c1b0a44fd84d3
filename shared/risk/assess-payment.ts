/**
 * Risk during: what the risk consumer does for one event. Thin orchestration of the pure score
 * (domain/risk) and the stores; every step is idempotent, so any redelivery converges:
 *
 * PaymentCreated: read the payment → (already assessed? only the follow-ups) → the merchant's profile
 * as it is now → count the payment once and take its signals (one read, one guarded write per counter
 * item) → score → ONE guarded write of `risk` and its effect (hold, or cancel a processing payment) → the
 * day's summary (only by the delivery whose write set `risk`) → follow-ups (the full refund a rejected
 * succeeded payment is owed).
 * A crash between the decision and the refund is repaired by the redelivery: the payment is already
 * assessed, so only the follow-ups run.
 */

import { type IpCountryLookup, ipCountryOf } from '../domain/risk/ip-country.js';
import { effectOf, owesRiskRefund } from '../domain/risk/review.js';
import { assess, type RiskAssessment } from '../domain/risk/score.js';
import type { RiskProfile } from '../schemas/risk-profile.js';
import type { DynamoPaymentRiskStore, RiskPaymentItem } from '../store/dynamodb/payment-risk.js';
import type { DynamoRiskAssessmentStore } from '../store/dynamodb/risk-assessments.js';
import { type AssessmentRecorder, utcDay } from '../store/dynamodb/risk-summaries.js';
import { ConcurrentModificationError } from '../store/errors.js';
import { metadataOf, type StoredAnswer } from '../store/items.js';

export interface RiskControlDeps {
  readonly payments: DynamoPaymentRiskStore;
  readonly counters: DynamoRiskAssessmentStore;
  /** The store (one write per assessment) or a consumer batch's recorder (one per merchant-day). */
  readonly summaries: AssessmentRecorder;
  readonly profiles: { get(merchantId: string, now?: Date): Promise<RiskProfile> };
  readonly ipCountry?: IpCountryLookup;
  readonly now?: () => Date;
}

export type AssessOutcome =
  | {
      readonly kind: 'assessed';
      readonly assessment: RiskAssessment;
      /** False when an earlier delivery of this event already counted the payment. */
      readonly counted: boolean;
      readonly refund?: StoredAnswer;
    }
  | { readonly kind: 'already_assessed'; readonly refund?: StoredAnswer }
  | { readonly kind: 'unknown_payment' };

const WRITE_ATTEMPTS = 5;

/** Assesses the payment of a `PaymentCreated` event (idempotent per event and per payment). */
export async function assessPayment(
  deps: RiskControlDeps,
  input: { readonly eventId: string; readonly paymentId: string },
): Promise<AssessOutcome> {
  const now = deps.now?.() ?? new Date();
  let item = await deps.payments.getItem(input.paymentId);
  if (!item) return { kind: 'unknown_payment' };
  if (item.risk) return { kind: 'already_assessed', ...(await followUp(deps, item, now)) };

  const profile = await deps.profiles.get(item.merchantId, now);
  const window = profile.velocityWindowMinutes;
  const { counted, signals: counts } = await deps.counters.countOnce(item, window, now);
  const signals = {
    ...counts,
    ipCountry: ipCountryOf({ customer: item.customer, metadata: metadataOf(item) }, deps.ipCountry),
  };
  const assessment = assess(profile, item, signals);
  const risk = { ...assessment, assessedAt: now.toISOString() };

  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const effect = effectOf(assessment.decision, item.status, profile.autoRefundOnReject);
    const write = await deps.payments.setRisk(item, risk, effect, now);
    if (write.kind === 'written') {
      await deps.summaries.recordAssessment(item.merchantId, utcDay(item.createdAt), {
        decision: assessment.decision,
        reasons: assessment.reasons,
        amount: item.amount,
        currency: item.currency,
      });
      return { kind: 'assessed', assessment, counted, ...(await followUp(deps, write.item, now)) };
    }
    if (!write.current) return { kind: 'unknown_payment' };
    item = write.current;
    // Assessed by a concurrent delivery, or the status moved (e.g. succeeded): re-plan the effect.
    if (item.risk) return { kind: 'already_assessed', ...(await followUp(deps, item, now)) };
  }
  throw new ConcurrentModificationError();
}

/**
 * What an assessed or reviewed payment's state still owes: its settlement hold kept in step with its
 * review, and the refund a rejected succeeded payment is owed, created once (replayed after that).
 */
export async function followUp(
  deps: Pick<RiskControlDeps, 'payments'>,
  item: RiskPaymentItem,
  now: Date,
): Promise<{ refund?: StoredAnswer }> {
  await deps.payments.syncReviewHold(item);
  if (!owesRiskRefund(item)) return {};
  return { refund: await deps.payments.ensureRiskRefund(item, now) };
}
