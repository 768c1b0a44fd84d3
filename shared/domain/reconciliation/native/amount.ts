/**
 * Decimal amounts of native statements ("10.50" yuan, "1050" yen, "-3.00") read into integer minor
 * units by the currency's exponent, digit by digit: never through a float, so "0.29" is 29 and not
 * 28.999…; anything that is not a plain decimal is refused rather than guessed. Read character by
 * character: two amounts per row, a million rows, and the regular expressions cost more than the rest of
 * the row's checks.
 */
import { exponentOf } from '../../money.js';

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
/** At most 15 significant digits: every accepted value is a safe integer of minor units. */
const LARGEST = 999_999_999_999_999;

/**
 * The signed integer of minor units `value` writes in `currency`, or `undefined` when it is not a plain
 * decimal (`[+-]digits[.digits]`), has more decimals than the currency has minor units (unless they are
 * zeros: "10.500" yuan is 1050 fen, "10.505" is refused), or is too large to be exact.
 */
export function minorUnits(value: string, currency: string): number | undefined {
  const exponent = exponentOf(currency);
  const sign = value.charCodeAt(0);
  let i = sign === PLUS || sign === MINUS ? 1 : 0;
  const whole = i;
  let n = 0;
  for (; i < value.length; i += 1) {
    const c = value.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) break;
    n = n * 10 + c;
  }
  if (i === whole || i - whole > 15) return undefined;
  let decimals = 0;
  if (i < value.length) {
    if (value.charCodeAt(i) !== DOT) return undefined;
    const from = i + 1;
    for (i = from; i < value.length; i += 1) {
      const c = value.charCodeAt(i) - 48;
      if (!(c >= 0 && c <= 9)) return undefined;
      if (i - from < exponent) n = n * 10 + c;
      else if (c !== 0) return undefined;
    }
    decimals = i - from;
    if (decimals === 0 || decimals > 9) return undefined;
  }
  for (let d = Math.min(decimals, exponent); d < exponent; d += 1) n *= 10;
  if (n > LARGEST) return undefined;
  return sign === MINUS && n !== 0 ? -n : n;
}
