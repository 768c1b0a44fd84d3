/**
 * The payment state machine. A payment is created `processing` (handed to its channel) and ends in
 * exactly one terminal state. Stores turn `allowedFrom` into DynamoDB condition expressions, so the
 * rule written here is the rule enforced under concurrency.
 */

export const PAYMENT_STATUSES = ['processing', 'succeeded', 'failed', 'canceled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const TERMINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = ['succeeded', 'failed', 'canceled'];

const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  processing: ['succeeded', 'failed', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
};

/** Statuses from which `to` may be entered. */
export function allowedFrom(to: PaymentStatus): PaymentStatus[] {
  return PAYMENT_STATUSES.filter((from) => TRANSITIONS[from].includes(to));
}

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export type TransitionDecision =
  | { readonly kind: 'apply'; readonly from: PaymentStatus; readonly to: PaymentStatus }
  /** The payment is already in the target state: a duplicate or replayed notification. */
  | { readonly kind: 'already_applied'; readonly status: PaymentStatus }
  /** The payment reached another terminal state first; the notification contradicts it. */
  | { readonly kind: 'conflict'; readonly status: PaymentStatus; readonly requested: PaymentStatus };

/** Decides what a request to move a payment from `current` to `to` means. */
export function decideTransition(current: PaymentStatus, to: PaymentStatus): TransitionDecision {
  if (current === to) return { kind: 'already_applied', status: current };
  if (canTransition(current, to)) return { kind: 'apply', from: current, to };
  return { kind: 'conflict', status: current, requested: to };
}

export interface ChannelReport {
  readonly amount: number;
  readonly currency: string;
}

export interface ExpectedAmount {
  readonly amount: number;
  readonly currency: string;
}

/** Names of the fields on which a channel's report disagrees with our record (empty when they agree). */
export function mismatchedFields(
  expected: ExpectedAmount,
  reported: ChannelReport,
): Array<'amount' | 'currency'> {
  const fields: Array<'amount' | 'currency'> = [];
  if (expected.amount !== reported.amount) fields.push('amount');
  if (expected.currency !== reported.currency) fields.push('currency');
  return fields;
}
