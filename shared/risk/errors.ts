/** Errors of risk control. Codes are stable: the error table maps them to problems, logs match on them. */
import { CodedError } from '../domain/errors.js';

/** The payment is not held (never was, or ops already took the other decision). */
export class PaymentNotInReviewError extends CodedError<'payment_not_in_review'> {
  override readonly name = 'PaymentNotInReviewError';
  constructor(
    readonly paymentId: string,
    readonly reviewStatus: string | undefined,
  ) {
    super(
      'payment_not_in_review',
      reviewStatus
        ? `Payment ${paymentId} is not in review: it was already ${reviewStatus}.`
        : `Payment ${paymentId} is not held in risk review.`,
    );
  }
}
