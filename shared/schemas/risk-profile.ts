/**
 * A merchant's risk profile (docs/contract.md, Risk): limits and blocklists checked before a payment is
 * stored, and the thresholds and weights of the asynchronous score. Rules are data: changing a threshold
 * or a weight is a PUT of this document, never a code change. Every field has a documented default, so
 * `GET` always answers a complete profile and that answer is a valid `PUT` body.
 */
import * as z from 'zod/mini';
import { amountSchema, currencySchema } from './common.js';
import './locale.js';
import { defined } from './defined.js';

/** Per-currency amounts in minor units, e.g. `{ "USD": 500000 }`. A currency absent from the map is unlimited. */
const perCurrency = /* @__PURE__ */ defined(() => z.record(currencySchema, amountSchema));

/** Stored as one item: the JSON of a profile stays well under DynamoDB's 400 KB item size. */
export const MAX_PROFILE_JSON_LENGTH = 350_000;

const score = /* @__PURE__ */ defined(() => z.int().check(z.minimum(0), z.maximum(100)));
const weight = /* @__PURE__ */ defined(() => z.int().check(z.minimum(0), z.maximum(100)));
const list = <T extends z.ZodMiniType>(item: T) => z.array(item).check(z.maxLength(10_000));

/** Weights (points added to the 0–100 score) of each signal of the asynchronous assessment. */
export const riskWeightsSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    /** More payments from one customer id in the velocity window than `velocityThreshold`. */
    customerVelocity: z._default(weight, 25),
    /** The same for one email. */
    emailVelocity: z._default(weight, 20),
    /** The same for one IP address. */
    ipVelocity: z._default(weight, 20),
    /** Amount above `amountVsHistoryFactor` × the customer's average so far. */
    amountVsHistory: z._default(weight, 20),
    /** A customer's first payment at or above `newCustomerHighAmount`. */
    newCustomerHighAmount: z._default(weight, 25),
    /** The IP's country (as the channel or a lookup reports it) differs from the customer's country. */
    ipCountryMismatch: z._default(weight, 15),
    /** Email or customer id that differs from a blocked one only by case, dots or a `+tag`. */
    blocklistNearMiss: z._default(weight, 40),
  }),
);

const riskProfileFields = /* @__PURE__ */ defined(() =>
  z.strictObject({
    singleTransactionLimit: z._default(perCurrency, {}),
    dailyAmountLimit: z._default(perCurrency, {}),
    customerDailyAmountLimit: z._default(perCurrency, {}),
    /** At most this many payments per customer id per minute; `null` = no limit. */
    customerPaymentsPerMinute: z._default(z.nullable(z.int().check(z.minimum(1), z.maximum(100_000))), null),
    blockedCustomers: z._default(list(z.string().check(z.minLength(1), z.maxLength(255))), []),
    blockedEmails: z._default(list(z.string().check(z.minLength(3), z.maxLength(254))), []),
    blockedIps: z._default(list(z.string().check(z.minLength(2), z.maxLength(45))), []),
    blockedCountries: z._default(list(z.string().check(z.regex(/^[A-Z]{2}$/))), []),
    /** Score at or above which a payment is held for review. */
    reviewScore: z._default(score, 60),
    /** Score at or above which a payment is rejected. */
    rejectScore: z._default(score, 85),
    weights: z._default(riskWeightsSchema, {
      customerVelocity: 25,
      emailVelocity: 20,
      ipVelocity: 20,
      amountVsHistory: 20,
      newCustomerHighAmount: 25,
      ipCountryMismatch: 15,
      blocklistNearMiss: 40,
    }),
    /** Window and count of the velocity signals. */
    velocityWindowMinutes: z._default(z.int().check(z.minimum(1), z.maximum(1440)), 60),
    velocityThreshold: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 5),
    /** `amountVsHistory` fires above this multiple of the customer's average amount. */
    amountVsHistoryFactor: z._default(z.number().check(z.minimum(1), z.maximum(1000)), 5),
    /** `newCustomerHighAmount` fires at or above this amount per currency. */
    newCustomerHighAmount: z._default(perCurrency, {
      USD: 100_000,
      EUR: 100_000,
      GBP: 100_000,
      JPY: 10_000_000,
    }),
    /** A rejected payment that already succeeded is refunded in full automatically. */
    autoRefundOnReject: z._default(z.boolean(), true),
    /** Merchant fraud reports (last 30 days) at which the merchant's rating tightens every limit. */
    fraudReportThreshold: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 3),
    /** Limits are multiplied by this factor (percent) while the rating is tightened. */
    tightenedLimitPercent: z._default(z.int().check(z.minimum(1), z.maximum(100)), 50),
  }),
);

/**
 * The profile as PUT and stored. Strict (an unknown field is a 400, so a typo in a limit's name never
 * silently leaves the limit unset) and consistent: a payment must be held for review before it is
 * rejected, so `rejectScore` may not be below `reviewScore`.
 */
export const riskProfileSchema = /* @__PURE__ */ defined(() =>
  riskProfileFields.check(
    z.refine((p) => p.rejectScore >= p.reviewScore, {
      error: 'must be at least reviewScore',
      path: ['rejectScore'],
    }),
    // A profile is one DynamoDB item (400 KB at most, keys and attribute names included).
    z.refine((p) => JSON.stringify(p).length <= MAX_PROFILE_JSON_LENGTH, {
      error: `the profile is too large: at most ${MAX_PROFILE_JSON_LENGTH} characters of JSON`,
    }),
  ),
);

export type RiskProfile = z.infer<typeof riskProfileSchema>;
export type RiskProfileInput = z.input<typeof riskProfileSchema>;

/** The profile of a merchant that never set one. */
export const DEFAULT_RISK_PROFILE: RiskProfile = riskProfileSchema.parse({});

export const riskDecisionSchema = /* @__PURE__ */ defined(() => z.enum(['approve', 'review', 'reject']));
export type RiskDecision = z.infer<typeof riskDecisionSchema>;
