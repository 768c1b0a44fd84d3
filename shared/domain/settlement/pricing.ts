/**
 * What a merchant pays per payment: a percentage in basis points of the amount plus a fixed part per
 * currency. Integers only: the percentage is rounded half up to a minor unit once per payment, so the
 * fee of a settlement is the sum of per-payment fees, as the channel's statement lists them.
 */
import * as z from 'zod/mini';
import {
  BPS_PER_UNIT,
  basisPointsOf,
  CURRENCY_EXPONENTS,
  type CurrencyCode,
  isCurrency,
  MAX_AMOUNT,
} from '../money.js';
import { SettlementError } from './errors.js';

/** 100% in basis points. */
export const MAX_BPS = BPS_PER_UNIT;

const BPS_ERROR = `must be an integer number of basis points from 0 to ${MAX_BPS}`;
const FIXED_ERROR = `must be an integer number of minor units from 0 to ${MAX_AMOUNT}`;

/**
 * A merchant's pricing. `fixed` is in minor units of each currency; a currency it does not name has
 * no fixed part. Unknown keys are dropped, as everywhere a schema reads stored data.
 */
export const pricingSchema = z.object({
  percentBps: z
    .number({ error: BPS_ERROR })
    .check(
      z.int({ error: BPS_ERROR }),
      z.minimum(0, { error: BPS_ERROR }),
      z.maximum(MAX_BPS, { error: BPS_ERROR }),
    ),
  fixed: z.record(
    z.string().check(z.refine(isCurrency, { error: 'is not an active ISO 4217 currency' })),
    z
      .number({ error: FIXED_ERROR })
      .check(
        z.int({ error: FIXED_ERROR }),
        z.minimum(0, { error: FIXED_ERROR }),
        z.maximum(MAX_AMOUNT, { error: FIXED_ERROR }),
      ),
  ),
});

export interface Pricing {
  /** Percentage of each succeeded payment's amount, in basis points (290 = 2.9%). */
  readonly percentBps: number;
  /** Fixed part per succeeded payment, in minor units, by currency. */
  readonly fixed: Readonly<Record<CurrencyCode, number>>;
}

/**
 * Pricing of a merchant that has none of its own: 2.9% + 30 minor units, whatever the currency's
 * exponent ($0.30, ¥30, 0.030 KWD). The sandbox channel charges exactly this (`sandboxFee`), so in the
 * sandbox our fee equals the channel's and a settlement's fee matches its statement.
 */
export const DEFAULT_PRICING: Pricing = Object.freeze({
  percentBps: 290,
  fixed: Object.freeze(Object.fromEntries(Object.keys(CURRENCY_EXPONENTS).map((c) => [c, 30]))),
});

/**
 * The fee of one succeeded payment of `amount` minor units of `currency`:
 * `round-half-up(amount × percentBps / 10000) + fixed[currency]`, 0 fixed for a currency not named.
 *
 * Refunds have no fee and give none back (Stripe's default): the work of the payment was done, and a
 * refund is work too. A fee may exceed a small amount (30 on a payment of 10); the settlement's net
 * carries that.
 *
 * @param pricing as `pricingSchema` reads it.
 * @throws SettlementError `invalid_line_item` when `amount` is not an integer from 1 to 10^12.
 */
export function feeOf(pricing: Pricing, amount: number, currency: CurrencyCode): number {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) {
    throw new SettlementError(
      'invalid_line_item',
      `amount ${amount} is not an integer from 1 to ${MAX_AMOUNT}`,
    );
  }
  const percent = basisPointsOf(amount, pricing.percentBps);
  const fixed = Object.hasOwn(pricing.fixed, currency) ? (pricing.fixed[currency] ?? 0) : 0;
  return percent + fixed;
}
