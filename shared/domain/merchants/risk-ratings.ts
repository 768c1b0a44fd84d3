/**
 * The risk profile limits an approval writes, by the merchant's initial risk rating. Built from the
 * default profile (schemas/risk-profile.ts), which limits no amount: a merchant ops approved gets limits
 * from day one. `medium` (the default rating) allows $5,000 a payment (the contract's example limit),
 * $50,000 a day; `low` twice that; `high` a fifth, and holds payments for review at a lower score.
 * Amounts per currency in minor units: USD, EUR and GBP alike, JPY at 100 yen to the dollar (the rounding
 * the default profile's `newCustomerHighAmount` uses). A currency absent from a map is unlimited, as
 * everywhere in the profile. Ops may change any of it afterwards with PUT …/risk-profile.
 */
import type { RiskProfile } from '../../schemas/risk-profile.js';
import type { RiskRating } from './onboarding.js';

/** The same limit in each currency the default profile names. */
function perCurrency(usdMinorUnits: number): Record<string, number> {
  return { USD: usdMinorUnits, EUR: usdMinorUnits, GBP: usdMinorUnits, JPY: usdMinorUnits * 100 };
}

type RatedFields = Pick<
  RiskProfile,
  | 'singleTransactionLimit'
  | 'dailyAmountLimit'
  | 'customerDailyAmountLimit'
  | 'customerPaymentsPerMinute'
  | 'reviewScore'
  | 'rejectScore'
>;

export const RISK_RATING_LIMITS: Readonly<Record<RiskRating, RatedFields>> = {
  low: {
    singleTransactionLimit: perCurrency(1_000_000),
    dailyAmountLimit: perCurrency(10_000_000),
    customerDailyAmountLimit: perCurrency(2_000_000),
    customerPaymentsPerMinute: 20,
    reviewScore: 60,
    rejectScore: 85,
  },
  medium: {
    singleTransactionLimit: perCurrency(500_000),
    dailyAmountLimit: perCurrency(5_000_000),
    customerDailyAmountLimit: perCurrency(1_000_000),
    customerPaymentsPerMinute: 10,
    reviewScore: 60,
    rejectScore: 85,
  },
  high: {
    singleTransactionLimit: perCurrency(100_000),
    dailyAmountLimit: perCurrency(1_000_000),
    customerDailyAmountLimit: perCurrency(200_000),
    customerPaymentsPerMinute: 5,
    reviewScore: 50,
    rejectScore: 75,
  },
};

/**
 * The profile an approval stores: `current` (what ops may already have set while the merchant was
 * pending, else the defaults) with the rated limits and thresholds replaced; blocklists, weights and
 * the rest are kept.
 */
export function profileForRating(current: RiskProfile, rating: RiskRating): RiskProfile {
  return { ...current, ...structuredClone(RISK_RATING_LIMITS[rating]) };
}
