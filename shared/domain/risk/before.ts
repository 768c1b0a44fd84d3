/**
 * Risk before: the synchronous checks of a create, against the merchant's (effective) risk profile.
 * Pure: the same rules decide with or without the counters, so the store can enforce the counter-based
 * limits atomically (conditions on counter items, see store/dynamodb/risk-counters.ts) while tests and
 * other callers can evaluate them on known counter values.
 */
import type { RiskProfile } from '../../schemas/risk-profile.js';

/** Stable reason codes of a refusal, in the order they are reported. Clients may switch on them. */
export const BEFORE_REASONS = [
  'blocked_customer',
  'blocked_email',
  'blocked_ip',
  'blocked_country',
  'single_transaction_limit',
  'daily_amount_limit',
  'customer_daily_amount_limit',
  'customer_frequency_limit',
] as const;
export type BeforeReason = (typeof BEFORE_REASONS)[number];

/** What the checks look at in a create request. */
export interface PaymentToCheck {
  readonly amount: number;
  readonly currency: string;
  readonly customer?: {
    readonly id?: string;
    readonly email?: string;
    readonly ip?: string;
    readonly country?: string;
  } | null;
}

/**
 * What was already counted in the current windows, before this payment. An absent value is not
 * checked here (the store's conditional counter writes check it instead).
 */
export interface BeforeCounters {
  /** The merchant's amount today (UTC) in the payment's currency. */
  readonly dailyAmount?: number;
  /** The customer's amount today (UTC) in the payment's currency. */
  readonly customerDailyAmount?: number;
  /** The customer's payments in the current minute (UTC). */
  readonly customerPaymentsThisMinute?: number;
}

export type BeforeResult = { readonly ok: true } | { readonly ok: false; readonly reasons: BeforeReason[] };

/**
 * Checks a payment against `profile`. Every failing rule is reported (not only the first), in the order
 * of {@link BEFORE_REASONS}. Without counters, a payment whose amount alone exceeds a daily limit is
 * still refused: no window could ever hold it.
 *
 * - blocklists: customer id and IP exactly, email case-insensitively, country from `customer.country`;
 * - limits are per currency; a currency absent from a limit's map is unlimited for that limit;
 * - customer limits need a customer id (without one there is nothing to count per customer).
 */
export function checkBefore(
  profile: RiskProfile,
  payment: PaymentToCheck,
  counters: BeforeCounters = {},
): BeforeResult {
  const reasons: BeforeReason[] = [];
  const customer = payment.customer ?? {};
  const { amount, currency } = payment;

  if (customer.id !== undefined && profile.blockedCustomers.includes(customer.id))
    reasons.push('blocked_customer');
  if (customer.email !== undefined) {
    const email = customer.email.toLowerCase();
    if (profile.blockedEmails.some((blocked) => blocked.toLowerCase() === email))
      reasons.push('blocked_email');
  }
  if (customer.ip !== undefined && profile.blockedIps.includes(customer.ip)) reasons.push('blocked_ip');
  if (customer.country !== undefined && profile.blockedCountries.includes(customer.country))
    reasons.push('blocked_country');

  const single = profile.singleTransactionLimit[currency];
  if (single !== undefined && amount > single) reasons.push('single_transaction_limit');

  const daily = profile.dailyAmountLimit[currency];
  if (daily !== undefined && (counters.dailyAmount ?? 0) + amount > daily) reasons.push('daily_amount_limit');

  if (customer.id !== undefined) {
    const customerDaily = profile.customerDailyAmountLimit[currency];
    if (customerDaily !== undefined && (counters.customerDailyAmount ?? 0) + amount > customerDaily)
      reasons.push('customer_daily_amount_limit');
    const perMinute = profile.customerPaymentsPerMinute;
    if (perMinute !== null && (counters.customerPaymentsThisMinute ?? 0) + 1 > perMinute)
      reasons.push('customer_frequency_limit');
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}

/** A limit enforced by counting: one counter item per window, guarded by its condition. */
export interface CounterLimit {
  readonly reason: 'daily_amount_limit' | 'customer_daily_amount_limit' | 'customer_frequency_limit';
  /** The window the counter spans. */
  readonly window: 'day' | 'minute';
  /** The counter never exceeds this. */
  readonly limit: number;
  /** What this payment adds: its amount, or 1 for the frequency. */
  readonly increment: number;
  readonly currency?: string;
  readonly customerId?: string;
}

/**
 * The counter-based limits that apply to this payment: none when the profile sets no limit for its
 * currency and (for customer limits) the payment names no customer, in which case a create costs no
 * counter write at all. Call after {@link checkBefore} passed without counters (so `increment ≤ limit`).
 */
export function counterLimits(profile: RiskProfile, payment: PaymentToCheck): CounterLimit[] {
  const { amount, currency } = payment;
  const customerId = payment.customer?.id;
  const out: CounterLimit[] = [];
  const daily = profile.dailyAmountLimit[currency];
  if (daily !== undefined)
    out.push({ reason: 'daily_amount_limit', window: 'day', limit: daily, increment: amount, currency });
  if (customerId !== undefined) {
    const customerDaily = profile.customerDailyAmountLimit[currency];
    if (customerDaily !== undefined)
      out.push({
        reason: 'customer_daily_amount_limit',
        window: 'day',
        limit: customerDaily,
        increment: amount,
        currency,
        customerId,
      });
    if (profile.customerPaymentsPerMinute !== null)
      out.push({
        reason: 'customer_frequency_limit',
        window: 'minute',
        limit: profile.customerPaymentsPerMinute,
        increment: 1,
        customerId,
      });
  }
  return out;
}
