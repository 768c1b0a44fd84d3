/**
 * A channel's fee for one payment: a percentage in basis points of the amount, rounded half up to the
 * minor unit, plus a fixed part in minor units (contract: "Routing and channel health", lowest_fee).
 * Integers only, whatever the currency's exponent: 290 bps + 30 is $0.30 + 2.9% in USD, ¥30 + 2.9% in JPY.
 */
import { BPS_PER_UNIT, basisPointsOf, MAX_AMOUNT } from '../money.js';

/** 100% in basis points. */
export const MAX_FEE_BPS = BPS_PER_UNIT;

/** One currency's fee at one channel, e.g. `{ percentBps: 290, fixed: 30 }`. */
export interface ChannelFee {
  readonly percentBps: number;
  readonly fixed: number;
}

/** A channel's fees by currency; a currency absent from the map has no known fee. */
export type ChannelFees = Readonly<Partial<Record<string, ChannelFee>>>;

/**
 * `round-half-up(amount × percentBps / 10000) + fixed` (money.ts `basisPointsOf`).
 * @throws RangeError when the amount is not an integer from 0 to 10^12 or the fee is malformed: a caller
 *   bug (schemas refuse such values before they get here), never a merchant's input.
 */
export function feeFor(fee: ChannelFee, amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_AMOUNT) {
    throw new RangeError(`amount ${amount} is not an integer from 0 to ${MAX_AMOUNT}`);
  }
  const { percentBps, fixed } = fee;
  if (!Number.isSafeInteger(percentBps) || percentBps < 0 || percentBps > MAX_FEE_BPS) {
    throw new RangeError(`percentBps ${percentBps} is not an integer from 0 to ${MAX_FEE_BPS}`);
  }
  if (!Number.isSafeInteger(fixed) || fixed < 0 || fixed > MAX_AMOUNT) {
    throw new RangeError(`fixed ${fixed} is not an integer from 0 to ${MAX_AMOUNT}`);
  }
  return basisPointsOf(amount, percentBps) + fixed;
}

/** The fee of `amount` in `currency` at a channel with `fees`, or `null` when that currency has none. */
export function channelFeeFor(
  fees: ChannelFees | undefined,
  currency: string,
  amount: number,
): number | null {
  const fee = fees && Object.hasOwn(fees, currency) ? fees[currency] : undefined;
  return fee ? feeFor(fee, amount) : null;
}
