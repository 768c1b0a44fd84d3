/**
 * The contracts of the risk service's internal functions (functions/internal/*.ts): what another service
 * sends when it asks risk to change risk's own items, and what it gets back. Both sides parse with these
 * schemas (the caller's payload is tested against them), so a change here is a change of the contract
 * between the two services. Every operation is idempotent: callers retry, and Lambda retries an
 * asynchronous invocation.
 */
import * as z from 'zod/mini';
import { RISK_RATINGS } from '../domain/merchants/onboarding.js';
import { amountSchema, currencySchema } from './common.js';
import { defined } from './defined.js';
import './locale.js';

const merchantId = /* @__PURE__ */ defined(() =>
  z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/)),
);
const paymentId = /* @__PURE__ */ defined(() => z.string().check(z.regex(/^pay_[a-z2-7]{26}$/)));

/**
 * How many hold changes one `set-holds` invocation takes: a reconciliation run sends one batch of
 * findings (25) at a time; the bound keeps an invocation well inside its timeout.
 */
export const SET_HOLDS_MAX = 100;

/**
 * One change of the settlement hold registry (HOLD#): `hold` adds `reason` to the payment's reasons,
 * otherwise removes it. Only a discrepancy may be a reason here: the review hold (`review`) and its
 * queue entry belong to risk's own review.
 */
export const holdChangeSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    merchantId,
    paymentId,
    reason: z.string().check(z.regex(/^dsc_[a-z0-9]+_\d{8}_[a-z2-7]{26}$/)),
    hold: z.boolean(),
  }),
);
export type HoldChange = z.infer<typeof holdChangeSchema>;

export const setHoldsRequest = /* @__PURE__ */ defined(() =>
  z.strictObject({
    holds: z.array(holdChangeSchema).check(z.minLength(1), z.maxLength(SET_HOLDS_MAX)),
  }),
);
export type SetHoldsRequest = z.infer<typeof setHoldsRequest>;
/** How many changes were applied (all of them: each is idempotent). */
export interface SetHoldsAnswer {
  readonly applied: number;
}

/**
 * `count-refusal`: one create refused by the before-checks, for the merchant's daily risk summary.
 * `refusalId` is the refused request's idempotency slot (the key's one refusal, stored there for 24 h):
 * the summary counts it once per day however often it arrives (Lambda's retries of an asynchronous
 * invocation, a duplicate delivery).
 */
export const countRefusalRequest = /* @__PURE__ */ defined(() =>
  z.strictObject({
    merchantId,
    refusalId: z.string().check(z.regex(/^[a-z2-7]{26}$/)),
    /** The UTC day of the refusal (`yyyy-mm-dd`): the summary's day, not the day the count lands. */
    day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
    amount: amountSchema,
    currency: currencySchema,
    reasons: z.array(z.string().check(z.regex(/^[a-z0-9_]{1,64}$/))).check(z.maxLength(32)),
  }),
);
export type CountRefusalRequest = z.infer<typeof countRefusalRequest>;
/** `counted: false`: this refusal was counted already. */
export interface CountRefusalAnswer {
  readonly counted: boolean;
}

/**
 * `rate-merchant`: an approved merchant's initial risk rating, applied to its risk profile (the stored
 * one, else the defaults) before the gateway activates it. Rating again with the same rating changes
 * nothing.
 */
export const rateMerchantRequest = /* @__PURE__ */ defined(() =>
  z.strictObject({ merchantId, riskRating: z.enum(RISK_RATINGS) }),
);
export type RateMerchantRequest = z.infer<typeof rateMerchantRequest>;
export interface RateMerchantAnswer {
  readonly riskRating: RateMerchantRequest['riskRating'];
}
