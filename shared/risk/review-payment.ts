/**
 * Ops' review of a payment held by risk control (`POST /v1/ops/payments/{id}/review`): `release` lets it
 * go on (settlement picks it up), `reject` cancels it if still processing, or refunds it in full if it
 * succeeded. Idempotent by state: the same decision again answers as the first time and changes nothing
 * (it only completes a refund a crash may have left owed); the other decision, or a payment that was
 * never held, is refused.
 *
 * Core's write (the payment and its refund are core's): the review route asks for it through core's
 * function (apply-decisions.ts), and keeps the settlement hold, which is risk's, in step from the answer.
 */
import { planReview, type ReviewDecision } from '../domain/risk/review.js';
import type { DynamoPaymentRiskStore, RiskPaymentItem } from '../store/dynamodb/payment-risk.js';
import { ConcurrentModificationError, ObjectNotFoundError } from '../store/errors.js';
import type { StoredAnswer } from '../store/items.js';
import { PaymentNotInReviewError } from './errors.js';

export interface ReviewResult {
  readonly item: RiskPaymentItem;
  /** True when the decision had already been taken: nothing changed now. */
  readonly replayed: boolean;
  readonly refund?: StoredAnswer;
}

const ATTEMPTS = 5;

/** @throws ObjectNotFoundError, PaymentNotInReviewError */
export async function reviewPayment(
  payments: DynamoPaymentRiskStore,
  paymentId: string,
  decision: ReviewDecision,
  now: Date = new Date(),
): Promise<ReviewResult> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const item = await payments.getItem(paymentId);
    if (!item) throw new ObjectNotFoundError(paymentId);
    const plan = planReview(item, decision);
    if (plan.kind === 'not_in_review') throw new PaymentNotInReviewError(paymentId, plan.reviewStatus);
    if (plan.kind === 'already_applied') {
      return { item, replayed: true, ...(await owed(payments, item, now)) };
    }
    const write = await payments.applyReview(item, plan.reviewStatus, plan.cancel, now);
    // The payment moved (succeeded meanwhile, or a concurrent review): read again and re-plan.
    if (write.kind === 'stale') continue;
    return { item: write.item, replayed: false, ...(await owed(payments, write.item, now)) };
  }
  throw new ConcurrentModificationError();
}

async function owed(
  payments: DynamoPaymentRiskStore,
  item: RiskPaymentItem,
  now: Date,
): Promise<{ refund?: StoredAnswer }> {
  const refund = await payments.completeOwed(item, now);
  return refund ? { refund } : {};
}
