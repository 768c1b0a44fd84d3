/**
 * Ops' review of a held payment, risk's side: the decision to core (apply-decisions.ts; core writes the
 * payment and creates the refund a reject of a succeeded payment is owed, review-payment.ts), then the
 * settlement hold kept in step with the review status core answers. A failed hold write fails the
 * request; ops asking again replays the decision and writes the hold.
 */
import type { ReviewDecision, ReviewStatus } from '../domain/risk/review.js';
import type { Payment } from '../schemas/payment.js';
import { ObjectNotFoundError } from '../store/errors.js';
import type { RiskDecisionApplier } from './apply-decisions.js';
import { DecisionNotAppliedError, PaymentNotInReviewError } from './errors.js';
import { type ReviewHolds, syncReviewHold } from './review-holds.js';

export interface ReviewRequested {
  readonly payment: Payment;
  readonly reviewStatus: ReviewStatus | undefined;
  /** True when the decision had already been taken: nothing changed now. */
  readonly replayed: boolean;
}

/** @throws ObjectNotFoundError, PaymentNotInReviewError, DecisionNotAppliedError */
export async function requestReview(
  deps: { readonly decisions: RiskDecisionApplier; readonly holds: ReviewHolds },
  paymentId: string,
  decision: ReviewDecision,
): Promise<ReviewRequested> {
  const [answer] = await deps.decisions([{ kind: 'review', paymentId, decision }]);
  switch (answer?.outcome) {
    case 'reviewed':
    case 'replayed':
      if (answer.payment) {
        await syncReviewHold(deps.holds, answer);
        return {
          payment: answer.payment,
          reviewStatus: answer.reviewStatus,
          replayed: answer.outcome === 'replayed',
        };
      }
      break;
    case 'unknown_payment':
      throw new ObjectNotFoundError(paymentId);
    case 'not_in_review':
      throw new PaymentNotInReviewError(paymentId, answer.reviewStatus);
  }
  throw new DecisionNotAppliedError(paymentId, answer?.error);
}
