/**
 * The merchant risk rating (risk after): merchants' fraud reports over the last
 * {@link RATING_WINDOW_DAYS} days tighten every before-check limit once they reach the profile's
 * `fraudReportThreshold`. Pure: the store counts the reports, this decides what they mean.
 */
import type { RiskProfile } from '../../schemas/risk-profile.js';

/** The rating looks at fraud reports of the last 30 days (today included, UTC days). */
export const RATING_WINDOW_DAYS = 30;

export type RiskRating = 'standard' | 'tightened';

/** The rating of a merchant with `fraudReports` reports in the window. */
export function ratingOf(profile: RiskProfile, fraudReports: number): RiskRating {
  return fraudReports >= profile.fraudReportThreshold ? 'tightened' : 'standard';
}

/**
 * The profile the before-checks and the scorer apply. While the rating is tightened, every amount limit
 * (single transaction, daily, customer daily; every currency) is multiplied by
 * `tightenedLimitPercent` / 100 and the per-minute frequency limit likewise, all rounded down and never
 * below 1 (a limit of 0 would refuse everything, which is a blocklist's job, not a rating's).
 * Score thresholds, weights and blocklists are unchanged: the rating narrows what passes, it does not
 * re-weight the score.
 */
export function effectiveProfile(profile: RiskProfile, fraudReports: number): RiskProfile {
  if (ratingOf(profile, fraudReports) === 'standard') return profile;
  const percent = profile.tightenedLimitPercent;
  const tighten = (limit: number) => Math.max(1, Math.floor((limit * percent) / 100));
  const tightenMap = (limits: Record<string, number>) =>
    Object.fromEntries(Object.entries(limits).map(([currency, limit]) => [currency, tighten(limit)]));
  return {
    ...profile,
    singleTransactionLimit: tightenMap(profile.singleTransactionLimit),
    dailyAmountLimit: tightenMap(profile.dailyAmountLimit),
    customerDailyAmountLimit: tightenMap(profile.customerDailyAmountLimit),
    customerPaymentsPerMinute:
      profile.customerPaymentsPerMinute === null ? null : tighten(profile.customerPaymentsPerMinute),
  };
}

/** `yyyy-mm-dd` of `date` in UTC. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The first UTC day of the rating window ending on `now`'s day. */
export function ratingWindowStart(now: Date): string {
  return utcDay(new Date(now.getTime() - (RATING_WINDOW_DAYS - 1) * 86_400_000));
}
