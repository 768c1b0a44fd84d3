/**
 * Alipay's refund notify states the trade's CUMULATIVE refunded amount (`refund_fee`), not the refund's
 * own. This works out the amount the notify confirms for one refund, from the payment's refunds as we
 * hold them, so that the usual amount check (notified amount = the refund's amount) still guards it.
 *
 * When Alipay notifies refund R, its figure is R plus the other refunds of the trade it had processed by
 * then: some of the ones we sent, never one that failed. Notifies of several partial refunds may arrive
 * (and be applied) in any order, so "the refunds already succeeded here" is not that set. The notify
 * confirms R's own amount when `cumulative − R` is the sum of some of the payment's other refunds that
 * have not failed; otherwise it confirms `cumulative − (the others already succeeded)`, which disagrees
 * with R and is recorded as a mismatch instead of marking R succeeded. The sums are enumerated up to
 * MAX_SUMS (a trade takes at most 50 refunds, most take one or two); beyond that, Alipay's order is taken
 * to be ours (creation time) and the figure must be the refunds not failed up to R.
 */

export interface HeldRefund {
  readonly id: string;
  readonly amount: number;
  readonly status: 'pending' | 'succeeded' | 'failed';
  /** ISO 8601; orders the refunds when there are too many to enumerate. */
  readonly createdAt?: string;
}

export const MAX_SUMS = 4096;

/** Whether some of `amounts` (each once, maybe none) sum to `target`; undefined when too many sums. */
function someSumTo(amounts: readonly number[], target: number): boolean | undefined {
  if (target < 0) return false;
  const sums = new Set([0]);
  for (const amount of amounts) {
    for (const s of [...sums]) if (s + amount <= target) sums.add(s + amount);
    if (sums.has(target)) return true;
    if (sums.size > MAX_SUMS) return undefined;
  }
  return sums.has(target);
}

/**
 * The amount a cumulative notify confirms for `refundId`; `cumulative` itself when the refund is not
 * among `refunds` (the outcome store then answers it unknown).
 */
export function refundAmountFromCumulative(
  refundId: string,
  cumulative: number,
  refunds: readonly HeldRefund[],
): number {
  const own = refunds.find((r) => r.id === refundId);
  if (!own) return cumulative;
  const others = refunds.filter((r) => r.id !== refundId && r.status !== 'failed');
  const succeededOthers = others.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0);
  const disagreeing = cumulative - succeededOthers;
  let confirmed = someSumTo(
    others.map((r) => r.amount),
    cumulative - own.amount,
  );
  if (confirmed === undefined) {
    const before = others
      .filter((r) => (r.createdAt ?? '') < (own.createdAt ?? ''))
      .reduce((s, r) => s + r.amount, 0);
    confirmed = before + own.amount === cumulative;
  }
  return confirmed ? own.amount : disagreeing;
}
