/**
 * Refund arithmetic. The invariant: the sum of refunds that have not failed never exceeds the payment's
 * amount. `refundableRemaining = amount − amountRefunded` is kept on the payment so a store can guard
 * a refund with a single comparison (`refundableRemaining >= :amount`): DynamoDB conditions cannot add.
 */
import type { PaymentStatus } from './payment.js';

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export interface RefundablePayment {
  readonly status: PaymentStatus;
  readonly amount: number;
  readonly amountRefunded: number;
}

export type RefundPlan =
  | { readonly kind: 'ok'; readonly amount: number }
  /** Only a succeeded payment can be refunded (contract: 409). */
  | { readonly kind: 'not_refundable'; readonly status: PaymentStatus }
  /** The requested amount is more than what remains (contract: 422). */
  | { readonly kind: 'exceeds_remaining'; readonly requested: number; readonly remaining: number };

/** What remains refundable on a payment. */
export function remainingRefundable(p: RefundablePayment): number {
  return p.amount - p.amountRefunded;
}

/**
 * Decides a refund request. `requested` undefined means "all that remains". A request for a fully
 * refunded payment with no amount asks for zero, which is refused as exceeding what remains.
 */
export function planRefund(p: RefundablePayment, requested?: number): RefundPlan {
  if (p.status !== 'succeeded') return { kind: 'not_refundable', status: p.status };
  const remaining = remainingRefundable(p);
  const amount = requested ?? remaining;
  if (amount <= 0 || amount > remaining) return { kind: 'exceeds_remaining', requested: amount, remaining };
  return { kind: 'ok', amount };
}

const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  pending: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
};

export function canTransitionRefund(from: RefundStatus, to: RefundStatus): boolean {
  return REFUND_TRANSITIONS[from].includes(to);
}

/** Effect of a refund's outcome on the payment's refunded total: a failed refund releases its amount. */
export function refundedDelta(to: RefundStatus, refundAmount: number): number {
  return to === 'failed' ? -refundAmount : 0;
}
