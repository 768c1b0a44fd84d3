/**
 * What a risk decision does to a payment, and what ops' review decisions do. Pure: stores turn these
 * plans into guarded writes (the `from` states become condition expressions).
 *
 * `reviewStatus` on the payment item (not part of the contract's payment object):
 * - `held`: waiting for ops (a `review` decision, or a `reject` of a succeeded payment the profile does
 *   not refund automatically). Settlement skips held payments until ops decide.
 * - `released`: ops let it go on.
 * - `rejected`: canceled while processing, or refunded in full once succeeded.
 */

import type { RiskDecision } from '../../schemas/risk-profile.js';
import type { PaymentStatus } from '../payment.js';

export const REVIEW_STATUSES = ['held', 'released', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_DECISIONS = ['release', 'reject'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Changes a decision makes to the payment item, beside `risk` itself. */
export interface AssessmentEffect {
  readonly reviewStatus?: ReviewStatus;
  /** `processing → canceled`. */
  readonly cancel: boolean;
}

/** The effect of `decision` on a payment currently `status`. */
export function effectOf(
  decision: RiskDecision,
  status: PaymentStatus,
  autoRefundOnReject: boolean,
): AssessmentEffect {
  const open = status === 'processing' || status === 'succeeded';
  if (decision === 'approve' || !open) return { cancel: false };
  if (decision === 'review') return { reviewStatus: 'held', cancel: false };
  if (status === 'processing') return { reviewStatus: 'rejected', cancel: true };
  return { reviewStatus: autoRefundOnReject ? 'rejected' : 'held', cancel: false };
}

/**
 * Whether a payment in this state is owed its risk refund: rejected and succeeded. Checked after every
 * assessment, replay, `PaymentSucceeded` and ops reject, so a crash between the decision and the refund
 * is repaired by the next delivery (the refund's idempotency key makes it happen once).
 */
export function owesRiskRefund(item: { status: PaymentStatus; reviewStatus?: ReviewStatus }): boolean {
  return item.reviewStatus === 'rejected' && item.status === 'succeeded';
}

export type ReviewPlan =
  | { readonly kind: 'apply'; readonly reviewStatus: ReviewStatus; readonly cancel: boolean }
  /** The same decision was already taken: answer as before, change nothing. */
  | { readonly kind: 'already_applied' }
  /** Never held, or ops already took the other decision. */
  | { readonly kind: 'not_in_review'; readonly reviewStatus?: ReviewStatus };

/** What an ops review decision means for a payment in this state. */
export function planReview(
  item: { status: PaymentStatus; reviewStatus?: ReviewStatus },
  decision: ReviewDecision,
): ReviewPlan {
  const target: ReviewStatus = decision === 'release' ? 'released' : 'rejected';
  if (item.reviewStatus === 'held') {
    return {
      kind: 'apply',
      reviewStatus: target,
      cancel: decision === 'reject' && item.status === 'processing',
    };
  }
  if (item.reviewStatus === target) return { kind: 'already_applied' };
  return item.reviewStatus === undefined
    ? { kind: 'not_in_review' }
    : { kind: 'not_in_review', reviewStatus: item.reviewStatus };
}
