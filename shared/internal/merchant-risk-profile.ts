/**
 * The contract of risk's `merchant-risk-profile` function: a merchant's risk profile as stored (defaults
 * filled) and the fraud reports of its rating window, which is what create-payment's before-checks apply
 * (the effective profile, domain/risk/rating.ts, computed by the caller from both). One Query of
 * `RISK#<merchant>` per invocation, strongly consistent and never cached by the function: create-payment
 * keeps each answer RISK_PROFILE_TTL_MS (1 s) per container, so an ops PUT still applies within 2 s.
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';
import { type RiskProfile, riskProfileSchema } from '../schemas/risk-profile.js';
import { CorruptItemError } from '../store/errors.js';

export const MERCHANT_RISK_PROFILE = 'merchant-risk-profile';

export const merchantRiskProfileRequest = /* @__PURE__ */ defined(() =>
  z.strictObject({ merchantId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)) }),
);
export type MerchantRiskProfileRequest = z.infer<typeof merchantRiskProfileRequest>;

export interface MerchantRiskProfileAnswer {
  /** The stored profile (defaults when none is stored), a valid PUT body. */
  readonly profile: RiskProfile;
  /** Fraud reports of the rating window (the days since ratingWindowStart), summed. */
  readonly fraudReports: number;
}

/**
 * The answer checked on the caller's side: the profile with the same schema risk validated it with when
 * it was read (already in the caller's bundle for that reason), the count by hand.
 * @throws CorruptItemError, which answers 500 as a corrupt item read directly did.
 */
export function merchantRiskProfileAnswerOf(answer: unknown): MerchantRiskProfileAnswer {
  const { profile, fraudReports } = (answer ?? {}) as { profile?: unknown; fraudReports?: unknown };
  const parsed = z.safeParse(riskProfileSchema, profile);
  if (!parsed.success || !Number.isSafeInteger(fraudReports) || (fraudReports as number) < 0)
    throw new CorruptItemError(
      `${MERCHANT_RISK_PROFILE} answered no profile: ${parsed.error?.message ?? 'fraudReports'}`,
    );
  return { profile: parsed.data, fraudReports: fraudReports as number };
}
