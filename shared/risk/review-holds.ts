/**
 * The settlement hold of a payment in risk review (risk's `HOLD#` items, holds.ts), kept in step with
 * the review status core answers after a decision (apply-decisions.ts): held → hold, released or rejected
 * → release. Idempotent (a set's ADD and DELETE), so every path, and every redelivery, may repeat it.
 */
import { REVIEW_HOLD } from '../store/dynamodb/holds.js';
import type { RiskDecisionAnswer } from './apply-decisions.js';

/** What of the hold registry (DynamoHoldStore) the review keeps in step. */
export interface ReviewHolds {
  hold(merchantId: string, paymentId: string, reason: string, createdAt?: string): Promise<void>;
  release(merchantId: string, paymentId: string, reason: string): Promise<void>;
}

export async function syncReviewHold(holds: ReviewHolds, answer: RiskDecisionAnswer): Promise<void> {
  const { paymentId, merchantId, createdAt, reviewStatus } = answer;
  if (!merchantId || !reviewStatus) return;
  if (reviewStatus === 'held') await holds.hold(merchantId, paymentId, REVIEW_HOLD, createdAt);
  else await holds.release(merchantId, paymentId, REVIEW_HOLD);
}
