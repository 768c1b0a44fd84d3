/**
 * The asynchronous risk score (docs/contract.md, Risk): pure, so the same inputs always give the same
 * assessment. Each rule is a predicate over the payment and its signals; the points it adds and the
 * thresholds it uses come from the merchant's profile (rules are data, never code forks). The score is
 * the sum of the weights of the rules that fire, capped at 100; the decision follows the profile's
 * `rejectScore` and `reviewScore`.
 */
import type { RiskDecision, RiskProfile } from '../../schemas/risk-profile.js';
import type { PaymentToCheck } from './before.js';
import { matchesBlocklist, normalizeCustomerId, normalizeEmail } from './near-miss.js';

/** Stable reason codes, in the order an assessment lists them. */
export const RISK_REASONS = [
  'customer_velocity',
  'email_velocity',
  'ip_velocity',
  'amount_vs_history',
  'new_customer_high_amount',
  'ip_country_mismatch',
  'blocklist_near_miss',
] as const;
export type RiskReason = (typeof RISK_REASONS)[number];

/** What of a payment the score looks at: the same fields as the before-checks. */
export type ScoredPayment = PaymentToCheck;

/** The customer's payments before this one (by customer id). */
export interface CustomerHistory {
  /** In every currency. */
  readonly count: number;
  /** In the payment's currency, and their sum in minor units. */
  readonly sameCurrencyCount: number;
  readonly sameCurrencySum: number;
}

/** What the store knows around the payment, gathered before scoring. */
export interface RiskSignals {
  /** Payments in the velocity window with the same customer id / email / IP, this one included. */
  readonly customerCount?: number;
  readonly emailCount?: number;
  readonly ipCount?: number;
  /** Absent when the payment names no customer id: such a payment is treated as a new customer's. */
  readonly history?: CustomerHistory;
  /** The IP's country, when known (see ip-country.ts). */
  readonly ipCountry?: string;
}

export interface RiskAssessment {
  /** 0–100. */
  readonly score: number;
  readonly decision: RiskDecision;
  readonly reasons: RiskReason[];
}

type Rule = (profile: RiskProfile, payment: ScoredPayment, signals: RiskSignals) => boolean;

const above = (count: number | undefined, threshold: number) => count !== undefined && count > threshold;

/** One predicate per reason; the weight of each is `profile.weights[<camelCase of the reason>]`. */
const RULES: Readonly<Record<RiskReason, { weight: keyof RiskProfile['weights']; fires: Rule }>> = {
  customer_velocity: {
    weight: 'customerVelocity',
    fires: (p, _, s) => above(s.customerCount, p.velocityThreshold),
  },
  email_velocity: { weight: 'emailVelocity', fires: (p, _, s) => above(s.emailCount, p.velocityThreshold) },
  ip_velocity: { weight: 'ipVelocity', fires: (p, _, s) => above(s.ipCount, p.velocityThreshold) },
  amount_vs_history: {
    weight: 'amountVsHistory',
    // amount > factor × (sum / count), without dividing.
    fires: (p, pay, s) =>
      s.history !== undefined &&
      s.history.sameCurrencyCount > 0 &&
      pay.amount * s.history.sameCurrencyCount > p.amountVsHistoryFactor * s.history.sameCurrencySum,
  },
  new_customer_high_amount: {
    weight: 'newCustomerHighAmount',
    fires: (p, pay, s) => {
      const threshold = p.newCustomerHighAmount[pay.currency];
      return threshold !== undefined && (s.history?.count ?? 0) === 0 && pay.amount >= threshold;
    },
  },
  ip_country_mismatch: {
    weight: 'ipCountryMismatch',
    fires: (_, pay, s) =>
      s.ipCountry !== undefined &&
      pay.customer?.country !== undefined &&
      s.ipCountry !== pay.customer.country,
  },
  blocklist_near_miss: {
    weight: 'blocklistNearMiss',
    fires: (p, pay) =>
      matchesBlocklist(pay.customer?.email, p.blockedEmails, normalizeEmail) ||
      matchesBlocklist(pay.customer?.id, p.blockedCustomers, normalizeCustomerId),
  },
};

/** The decision a score leads to under `profile`. */
export function decide(
  profile: Pick<RiskProfile, 'reviewScore' | 'rejectScore'>,
  score: number,
): RiskDecision {
  if (score >= profile.rejectScore) return 'reject';
  if (score >= profile.reviewScore) return 'review';
  return 'approve';
}

/** Scores `payment` with `signals` under `profile`. */
export function assess(profile: RiskProfile, payment: ScoredPayment, signals: RiskSignals): RiskAssessment {
  const reasons = RISK_REASONS.filter((reason) => RULES[reason].fires(profile, payment, signals));
  const total = reasons.reduce((sum, reason) => sum + profile.weights[RULES[reason].weight], 0);
  const score = Math.min(100, Math.max(0, Math.round(total)));
  return { score, decision: decide(profile, score), reasons };
}
