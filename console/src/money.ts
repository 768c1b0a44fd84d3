/**
 * Amounts as people read them: integer minor units shown in major units with the currency's ISO 4217
 * exponent (USD 1050 → `$10.50`, JPY 1050 → `1,050 JPY`, KWD 1050 → `1.050 KWD`). Dollars get their sign
 * (the contract's `$10.50` style); other currencies their code after the number, which no reader mistakes.
 */
import { CURRENCY_EXPONENTS } from '../../shared/domain/money.js';

/** The currency's exponent; an unknown code shows two decimals, as most currencies have. */
export function exponentFor(currency: string): number {
  return CURRENCY_EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** `12345678` → `123,456.78` for exponent 2. Integer arithmetic only: no float rounding. */
export function majorUnits(amount: number, exponent: number): string {
  const negative = amount < 0;
  const digits = String(Math.abs(Math.trunc(amount))).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${exponent > 0 ? `.${fraction}` : ''}`;
}

/** The amount with its currency, per the currency's exponent. */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const major = majorUnits(amount, exponentFor(code));
  if (code === 'USD') return major.startsWith('-') ? `-$${major.slice(1)}` : `$${major}`;
  return `${major} ${code}`;
}

/** A ratio in [0, 1] as a percentage with one decimal; `—` when there is none (no attempts). */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(1)}%`;
}
