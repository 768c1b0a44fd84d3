/**
 * Whether a channel may take a payment now: what the wiring reads about each channel (its breaker, the
 * merchant's quota used today, its fees, its success statistics) and the rule that turns it into
 * "healthy" or a named reason for leaving the channel out.
 */
import type { CurrencyCode } from '../money.js';
import { type RoutingChannel, supportsCurrency } from './catalogue.js';
import type { RoutingQuotas } from './config.js';
import type { ChannelFees } from './fees.js';
import type { OutcomeCounts } from './success-window.js';

export type BreakerPosition = 'closed' | 'open' | 'half_open';

/**
 * One channel as routing sees it for one payment. Every part is optional: a channel without a stored
 * breaker is closed, without usage has used nothing, without fees has no known fee, without statistics
 * has no rate. That is also how the wiring fails open when a store cannot be read, as Powertools'
 * breaker does: an unreadable health record must not stop every payment.
 */
export interface ChannelRoutingState {
  readonly breaker?: {
    readonly state: BreakerPosition;
    /** In `half_open`: whether the one probe is still free to take (see shared/domain/breaker.ts). */
    readonly probeAvailable?: boolean;
  };
  /** The merchant's amount routed to this channel today, by currency, in minor units. */
  readonly quotaUsed?: Readonly<Partial<Record<CurrencyCode, number>>>;
  readonly fees?: ChannelFees;
  /** Outcomes in the payment's currency over the recent window: this merchant's, and all merchants'. */
  readonly stats?: { readonly merchant?: OutcomeCounts; readonly global?: OutcomeCounts };
}

export type ChannelStates = Readonly<Partial<Record<RoutingChannel, ChannelRoutingState>>>;

/** Why a listed channel is not a candidate. */
export type ExclusionReason =
  | 'currency_not_supported'
  | 'breaker_open'
  /** Half-open, and another payment already holds its one probe. */
  | 'probe_taken'
  | 'quota_reached';

export interface Exclusion {
  readonly channel: RoutingChannel;
  readonly why: ExclusionReason;
}

export const EXCLUSION_TEXT: Readonly<Record<ExclusionReason, string>> = Object.freeze({
  currency_not_supported: 'does not take the currency',
  breaker_open: 'breaker open',
  probe_taken: 'half-open, probe taken',
  quota_reached: 'daily quota reached',
});

/**
 * Whether `amount` still fits the merchant's daily quota: `used + amount ≤ limit`. Checked with this
 * payment's amount included, not `used < limit`: a quota is a cap on exposure to one channel, so the
 * payment that would cross it goes elsewhere (or, pinned, is refused) instead of overshooting it by up
 * to a whole payment. A limit of 0 keeps the channel out of that currency entirely.
 */
export function withinQuota(
  quotas: RoutingQuotas,
  channel: RoutingChannel,
  currency: CurrencyCode,
  amount: number,
  state: ChannelRoutingState | undefined,
): boolean {
  const limits = quotas[channel];
  if (!limits || !Object.hasOwn(limits, currency)) return true;
  const limit = limits[currency] as number;
  const used = state?.quotaUsed?.[currency] ?? 0;
  return used + amount <= limit;
}

/** Whether the breaker lets a payment through: closed, or half-open with its probe still free. */
export function breakerAdmits(state: ChannelRoutingState | undefined): ExclusionReason | null {
  const breaker = state?.breaker;
  if (!breaker || breaker.state === 'closed') return null;
  if (breaker.state === 'open') return 'breaker_open';
  return breaker.probeAvailable ? null : 'probe_taken';
}

/**
 * Why `channel` cannot take this payment now, or `null` when it is a healthy candidate. Checked in
 * this order, so the reason given is the most permanent one: currency, then quota, then breaker.
 */
export function exclusionOf(
  channel: RoutingChannel,
  payment: { readonly amount: number; readonly currency: CurrencyCode },
  quotas: RoutingQuotas,
  states: ChannelStates,
): ExclusionReason | null {
  if (!supportsCurrency(channel, payment.currency)) return 'currency_not_supported';
  const state = states[channel];
  if (!withinQuota(quotas, channel, payment.currency, payment.amount, state)) return 'quota_reached';
  return breakerAdmits(state);
}
