/**
 * Errors of settlement arithmetic. Codes are stable: a settlement run fails with the code in its
 * state machine's error, logs and tests match on it. Each one means our own data is wrong (the store
 * fed an item no payment could have, or totals that cannot come from the accumulator), never that a
 * merchant asked for something: there is no 4xx behind any of them.
 */
import { CodedError } from '../errors.js';
export type SettlementErrorCode =
  /** A line item that is not a payment or refund of a positive integer amount up to 10^12 in a known currency. */
  | 'invalid_line_item'
  /** Totals fed to the ledger that are not non-negative integers, or that contradict each other. */
  | 'invalid_settlement'
  /** A period end that is not an ISO 8601 instant. */
  | 'invalid_period'
  /** A sum that left the safe integer range (2^53): refused rather than rounded. */
  | 'out_of_range';

export class SettlementError extends CodedError<SettlementErrorCode> {
  override readonly name = 'SettlementError';
}
