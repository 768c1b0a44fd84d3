/**
 * Decimal amounts of native statements ("10.50" yuan, "1050" yen, "-3.00") read into integer minor
 * units by the currency's exponent, from the digits alone: never through a float, so "0.29" is 29 and
 * not 28.999…; anything that is not a plain decimal is refused rather than guessed.
 */
import { exponentOf } from '../../money.js';

/** At most 15 significant digits in all, so every accepted value is a safe integer of minor units. */
const DECIMAL = /^([-+]?)([0-9]{1,15})(?:\.([0-9]{1,9}))?$/;

/**
 * The signed integer of minor units `value` writes in `currency`, or `undefined` when it is not a plain
 * decimal, has more decimals than the currency has minor units (unless they are zeros: "10.500" yuan
 * is 1050 fen, "10.505" is refused), or is too large to be exact.
 */
export function minorUnits(value: string, currency: string): number | undefined {
  const match = DECIMAL.exec(value);
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match as unknown as [string, string, string, string | undefined];
  const exponent = exponentOf(currency);
  const kept = fraction.slice(0, exponent);
  if (!/^0*$/.test(fraction.slice(exponent))) return undefined;
  const digits = `${whole}${kept.padEnd(exponent, '0')}`.replace(/^0+(?=.)/, '');
  if (digits.length > 15) return undefined;
  const n = Number(digits);
  return sign === '-' && n !== 0 ? -n : n;
}
