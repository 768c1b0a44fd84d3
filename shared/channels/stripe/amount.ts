/**
 * Stripe's amount unit per currency. Stripe takes integers in "the smallest currency unit" but its
 * idea of that unit is not always ISO 4217's (shared/domain/money.ts), so amounts are rescaled here,
 * exactly, and refused when Stripe could not represent them:
 * - zero-decimal on Stripe, two-decimal in ISO 4217: MGA (an amount must be whole ariary);
 * - ISK and UGX: zero-decimal in ISO 4217 but sent to Stripe as two-decimal values whose decimals are
 *   always 00 (Stripe's backwards compatibility), so 5 ISK is 500;
 * - three-decimal currencies Stripe supports (BHD, JOD, KWD, OMR, TND): the last digit must be 0;
 * - HUF and TWD are two-decimal for charges like ISO 4217; Stripe only asks payouts to be whole units,
 *   which does not concern a PaymentIntent, so they need nothing here.
 * Every other currency uses its ISO 4217 exponent.
 */
import { exponentOf } from '../../domain/money.js';
import { AmountFormatError } from '../amounts.js';

const STRIPE_EXPONENT: Readonly<Record<string, number>> = { MGA: 0, ISK: 2, UGX: 2 };
const LAST_DIGIT_ZERO = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Stripe's currency code (lower case) and exponent for one of ours. @throws MoneyError unknown currency */
export function stripeCurrency(currency: string): { code: string; exponent: number } {
  const iso = exponentOf(currency);
  return { code: currency.toLowerCase(), exponent: STRIPE_EXPONENT[currency] ?? iso };
}

/** Our minor units → Stripe's `amount`. @throws AmountFormatError when Stripe cannot carry it exactly */
export function toStripeAmount(amount: number, currency: string): number {
  const iso = exponentOf(currency);
  const { exponent } = stripeCurrency(currency);
  if (!Number.isSafeInteger(amount) || amount < 0) throw new AmountFormatError(`bad amount ${amount}`);
  let out = amount;
  if (exponent > iso) out = amount * 10 ** (exponent - iso);
  else if (exponent < iso) {
    const factor = 10 ** (iso - exponent);
    if (amount % factor !== 0)
      throw new AmountFormatError(`${currency} ${amount}: Stripe takes whole units of this currency`);
    out = amount / factor;
  }
  if (LAST_DIGIT_ZERO.has(currency) && out % 10 !== 0)
    throw new AmountFormatError(`${currency} ${amount}: Stripe needs the last decimal to be 0`);
  if (!Number.isSafeInteger(out)) throw new AmountFormatError(`${currency} ${amount}: out of range`);
  return out;
}

/** Stripe's `amount` → our minor units. @throws AmountFormatError when it is not a whole minor unit */
export function fromStripeAmount(amount: number, currency: string): number {
  const iso = exponentOf(currency);
  const { exponent } = stripeCurrency(currency);
  if (!Number.isSafeInteger(amount) || amount < 0) throw new AmountFormatError(`bad amount ${amount}`);
  if (exponent > iso) {
    const factor = 10 ** (exponent - iso);
    if (amount % factor !== 0)
      throw new AmountFormatError(`${currency} ${amount}: not a whole ${currency} minor unit`);
    return amount / factor;
  }
  const out = amount * 10 ** (iso - exponent);
  if (!Number.isSafeInteger(out)) throw new AmountFormatError(`${currency} ${amount}: out of range`);
  return out;
}
