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

/**
 * Core could not apply a risk decision now (its answer `failed`): the message or the request is retried.
 * Not a coded error: like the store failure behind it, it is never the client's business (a bare 500).
 */
export class DecisionNotAppliedError extends Error {
  override readonly name = 'DecisionNotAppliedError';
  constructor(
    readonly paymentId: string,
    readonly failure?: { readonly name: string; readonly message: string },
  ) {
    super(
      `The risk decision on payment ${paymentId} was not applied${failure ? `: ${failure.name}: ${failure.message}` : ''}.`,
    );
  }
}
