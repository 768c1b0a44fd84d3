/**
 * Exact conversions between the decimal strings channels write (Alipay's `"10.50"` yuan) and our
 * integer minor units. Digits are moved as text, never through a float: `0.1 + 0.2` has no place in a
 * payment amount.
 */
import { CodedError } from '../domain/errors.js';
import { MAX_AMOUNT } from '../domain/money.js';

export class AmountFormatError extends CodedError<'malformed_amount'> {
  override readonly name = 'AmountFormatError';
  constructor(message: string) {
    super('malformed_amount', message);
  }
}

/**
 * A plain non-negative decimal with at most `exponent` decimals (`"10"`, `"10.5"`, `"10.50"`) in minor
 * units. Refused: signs, exponents, spaces, leading zeros (`"01.00"`), a lone dot, more decimals than
 * the currency has, and anything above the contract's largest amount.
 * @throws AmountFormatError
 */
export function decimalToMinor(text: string, exponent: number): number {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  const whole = match?.[1];
  const fraction = match?.[2] ?? '';
  if (whole === undefined || fraction.length > exponent || (match?.[2] !== undefined && fraction === ''))
    throw new AmountFormatError(`not an amount with at most ${exponent} decimals: ${JSON.stringify(text)}`);
  // Sixteen digits already exceed MAX_AMOUNT; checking the length first keeps BigInt off junk input.
  if (whole.length > 16) throw new AmountFormatError(`amount out of range: ${text}`);
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  if (minor > BigInt(MAX_AMOUNT)) throw new AmountFormatError(`amount out of range: ${text}`);
  return Number(minor);
}

/** Minor units as a decimal string with exactly `exponent` decimals: 1050 → `"10.50"`. */
export function minorToDecimal(minor: number, exponent: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0)
    throw new AmountFormatError(`not a non-negative integer amount: ${minor}`);
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Alipay's yuan string (`"10.50"`) in fen. @throws AmountFormatError */
export const yuanToFen = (yuan: string): number => decimalToMinor(yuan, 2);

/** Fen as Alipay's yuan string, always two decimals: 1050 → `"10.50"`. */
export const fenToYuan = (fen: number): string => minorToDecimal(fen, 2);
