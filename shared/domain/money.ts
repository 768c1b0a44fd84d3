/**
 * Money in integer minor units with an ISO 4217 currency. No floats anywhere: every amount is a
 * safe integer and arithmetic refuses anything that is not.
 */

import { CodedError } from './errors.js';

/**
 * ISO 4217 active codes with their minor-unit exponent (ISO 4217 list one, amendment 178).
 * Codes absent from this table are refused: a typo such as "USX" must never become a payment.
 */
export const CURRENCY_EXPONENTS: Readonly<Record<string, 0 | 2 | 3 | 4>> = Object.freeze({
  AED: 2,
  AFN: 2,
  ALL: 2,
  AMD: 2,
  AOA: 2,
  ARS: 2,
  AUD: 2,
  AWG: 2,
  AZN: 2,
  BAM: 2,
  BBD: 2,
  BDT: 2,
  BGN: 2,
  BHD: 3,
  BIF: 0,
  BMD: 2,
  BND: 2,
  BOB: 2,
  BRL: 2,
  BSD: 2,
  BTN: 2,
  BWP: 2,
  BYN: 2,
  BZD: 2,
  CAD: 2,
  CDF: 2,
  CHF: 2,
  CLF: 4,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CRC: 2,
  CUP: 2,
  CVE: 2,
  CZK: 2,
  DJF: 0,
  DKK: 2,
  DOP: 2,
  DZD: 2,
  EGP: 2,
  ERN: 2,
  ETB: 2,
  EUR: 2,
  FJD: 2,
  FKP: 2,
  GBP: 2,
  GEL: 2,
  GHS: 2,
  GIP: 2,
  GMD: 2,
  GNF: 0,
  GTQ: 2,
  GYD: 2,
  HKD: 2,
  HNL: 2,
  HTG: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  IQD: 3,
  IRR: 2,
  ISK: 0,
  JMD: 2,
  JOD: 3,
  JPY: 0,
  KES: 2,
  KGS: 2,
  KHR: 2,
  KMF: 0,
  KPW: 2,
  KRW: 0,
  KWD: 3,
  KYD: 2,
  KZT: 2,
  LAK: 2,
  LBP: 2,
  LKR: 2,
  LRD: 2,
  LSL: 2,
  LYD: 3,
  MAD: 2,
  MDL: 2,
  MGA: 2,
  MKD: 2,
  MMK: 2,
  MNT: 2,
  MOP: 2,
  MRU: 2,
  MUR: 2,
  MVR: 2,
  MWK: 2,
  MXN: 2,
  MYR: 2,
  MZN: 2,
  NAD: 2,
  NGN: 2,
  NIO: 2,
  NOK: 2,
  NPR: 2,
  NZD: 2,
  OMR: 3,
  PAB: 2,
  PEN: 2,
  PGK: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  PYG: 0,
  QAR: 2,
  RON: 2,
  RSD: 2,
  RUB: 2,
  RWF: 0,
  SAR: 2,
  SBD: 2,
  SCR: 2,
  SDG: 2,
  SEK: 2,
  SGD: 2,
  SHP: 2,
  SLE: 2,
  SOS: 2,
  SRD: 2,
  SSP: 2,
  STN: 2,
  SVC: 2,
  SYP: 2,
  SZL: 2,
  THB: 2,
  TJS: 2,
  TMT: 2,
  TND: 3,
  TOP: 2,
  TRY: 2,
  TTD: 2,
  TWD: 2,
  TZS: 2,
  UAH: 2,
  UGX: 0,
  USD: 2,
  UYI: 0,
  UYU: 2,
  UYW: 4,
  UZS: 2,
  VED: 2,
  VES: 2,
  VND: 0,
  VUV: 0,
  WST: 2,
  XAF: 0,
  XCD: 2,
  XCG: 2,
  XOF: 0,
  XPF: 0,
  YER: 2,
  ZAR: 2,
  ZMW: 2,
  ZWG: 2,
});

/** The largest amount the contract accepts in one payment: 10^12 minor units. */
export const MAX_AMOUNT = 1_000_000_000_000;

export type CurrencyCode = string;

/** 100% in basis points. */
export const BPS_PER_UNIT = 10_000;

/**
 * `round-half-up(amount × bps / 10000)` in whole minor units: the percentage part of every fee (a channel's,
 * a merchant's). Exact in doubles without BigInt: `amount × bps` reaches 10^16, past 2^53, so the amount is
 * split as `q × 10000 + r` and only `r × bps` (< 10^8) is divided; `q × bps` is already whole.
 * The caller has checked that `amount` is an integer from 0 to MAX_AMOUNT and `bps` one from 0 to 10,000.
 */
export function basisPointsOf(amount: number, bps: number): number {
  const q = Math.floor(amount / BPS_PER_UNIT);
  const r = amount - q * BPS_PER_UNIT;
  return q * bps + Math.floor((r * bps + BPS_PER_UNIT / 2) / BPS_PER_UNIT);
}

export interface Money {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

export type MoneyErrorCode =
  | 'unknown_currency'
  | 'not_an_integer'
  | 'currency_mismatch'
  | 'negative_result'
  | 'out_of_range';

export class MoneyError extends CodedError<MoneyErrorCode> {
  override readonly name = 'MoneyError';
}

/** True when `code` is an active ISO 4217 code in upper case. */
export function isCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, code);
}

/** Minor-unit exponent of a currency: 2 for USD, 0 for JPY, 3 for KWD. */
export function exponentOf(currency: CurrencyCode): number {
  const exponent = CURRENCY_EXPONENTS[currency];
  if (exponent === undefined) throw new MoneyError('unknown_currency', `unknown currency ${currency}`);
  return exponent;
}

/** Builds a money value, checking the currency and that the amount is a non-negative safe integer. */
export function money(amount: number, currency: CurrencyCode): Money {
  exponentOf(currency);
  if (!Number.isSafeInteger(amount))
    throw new MoneyError('not_an_integer', `amount ${amount} is not an integer`);
  if (amount < 0) throw new MoneyError('negative_result', `amount ${amount} is negative`);
  return { amount, currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError('currency_mismatch', `cannot combine ${a.currency} with ${b.currency}`);
  }
}

/** a + b, same currency. */
export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  const sum = a.amount + b.amount;
  if (!Number.isSafeInteger(sum)) throw new MoneyError('out_of_range', 'sum exceeds the safe integer range');
  return { amount: sum, currency: a.currency };
}

/** a − b, same currency; refuses a negative result. */
export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  if (b.amount > a.amount) {
    throw new MoneyError('negative_result', `${b.amount} exceeds ${a.amount} ${a.currency}`);
  }
  return { amount: a.amount - b.amount, currency: a.currency };
}

/**
 * Splits `total` into parts proportional to `weights`, distributing the remainder one minor unit at a
 * time (largest remainder first) so the parts always sum exactly to `total`.
 */
export function allocate(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0 || weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new MoneyError('not_an_integer', 'weights must be non-negative integers');
  }
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) throw new MoneyError('out_of_range', 'weights sum to zero');
  const t = BigInt(total.amount);
  const s = BigInt(sum);
  const parts = weights.map((w) => (t * BigInt(w)) / s);
  const remainders = weights.map((w, i) => ({ i, r: (t * BigInt(w)) % s }));
  let left = t - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left -= 1n;
  }
  return parts.map((p) => ({ amount: Number(p), currency: total.currency }));
}

/** Human-readable decimal form, e.g. `10.50 USD`, `1050 JPY`. For logs and reports, never for arithmetic. */
export function format(m: Money): string {
  const e = exponentOf(m.currency);
  if (e === 0) return `${m.amount} ${m.currency}`;
  const s = m.amount.toString().padStart(e + 1, '0');
  return `${s.slice(0, -e)}.${s.slice(-e)} ${m.currency}`;
}
