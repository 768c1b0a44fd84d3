/**
 * Settlement ids. Deterministic, so that a rerun of the same day (a retried state machine, an
 * operator starting it again) finds the settlement it already wrote instead of writing a second one.
 */
import { createHash } from 'node:crypto';
import { base32, SLOT_LENGTH } from '../base32.js';
import { type CurrencyCode, isCurrency } from '../money.js';
import { utcDayOf } from '../reconciliation/day.js';
import { SettlementError } from './errors.js';

/**
 * The id of a merchant's settlement in `currency` for the period ending at `periodEnd`: `stl_` + the
 * first 26 lower-case base32 characters of `sha256(merchantId + "\n" + currency + "\n" + periodEnd)`.
 * `periodEnd` is read as an instant and written back in UTC with milliseconds, so `…T00:00:00Z` and
 * `…T02:00:00+02:00` name the same period and the same id.
 * @throws SettlementError `invalid_period` when `periodEnd` is not an ISO 8601 instant with an offset;
 * `invalid_settlement` for an unknown currency or an empty merchant id.
 */
export function settlementId(merchantId: string, currency: CurrencyCode, periodEnd: string): string {
  if (merchantId === '' || !isCurrency(currency)) {
    throw new SettlementError('invalid_settlement', `no settlement id for ${merchantId} in ${currency}`);
  }
  // utcDayOf is the strict RFC 3339 reading; `new Date` alone takes "March 2, 2026" and local times.
  if (utcDayOf(periodEnd) === undefined) {
    throw new SettlementError('invalid_period', `${periodEnd} is not an ISO 8601 instant with an offset`);
  }
  const digest = createHash('sha256')
    .update(`${merchantId}\n${currency}\n${new Date(periodEnd).toISOString()}`, 'utf8')
    .digest();
  return `stl_${base32(digest).slice(0, SLOT_LENGTH)}`;
}
