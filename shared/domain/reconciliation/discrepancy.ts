/**
 * What a reconciliation run reports: one discrepancy per row or expectation that is not matched, and
 * the run's counts (contract "Reconciliation (ops)": kinds, `fields`, `counts`). Each discrepancy keeps
 * the statement row and what we hold, so a later step can repair, store or show it without reading the
 * statement again.
 */
import type { Expectation } from './expectations.js';
import type { StatementLine } from './row.js';

/** The fields a statement row and an expectation are compared on. */
export type ComparedField = 'amount' | 'currency' | 'status' | 'fee';

export type DiscrepancyKind = 'local_missing' | 'channel_missing' | 'mismatch' | 'duplicate';

interface DiscrepancyBase {
  readonly type: 'payment' | 'refund';
  /** Our id: the row's, else the expectation's; `null` when neither the row nor we know it. */
  readonly reference: string | null;
  readonly channelReference: string | null;
  /** Fields in which the row and what we hold differ; empty when one of them is missing. */
  readonly fields: readonly ComparedField[];
}

/** The channel reports an outcome we do not hold (`held` is `null`) or hold otherwise (we failed it). */
export interface LocalMissing extends DiscrepancyBase {
  readonly kind: 'local_missing';
  readonly row: StatementLine;
  readonly held: Expectation | null;
  /**
   * True when we hold no outcome at all and the row names our id: a missed callback whose outcome is
   * `row.status`. A repair must still check the object is not final and that amount and currency
   * agree before applying it.
   */
  readonly repairable: boolean;
}

/** We hold an outcome the channel's statement does not list. */
export interface ChannelMissing extends DiscrepancyBase {
  readonly kind: 'channel_missing';
  readonly row: null;
  readonly held: Expectation;
  readonly repairable: false;
}

/** Both sides have the outcome but disagree on `fields` (never empty). */
export interface Mismatch extends DiscrepancyBase {
  readonly kind: 'mismatch';
  readonly row: StatementLine;
  readonly held: Expectation;
  readonly repairable: false;
}

/** A second row for the same object; `held` is what the first row resolved to, if anything. */
export interface Duplicate extends DiscrepancyBase {
  readonly kind: 'duplicate';
  readonly row: StatementLine;
  readonly held: Expectation | null;
  readonly repairable: false;
}

export type Discrepancy = LocalMissing | ChannelMissing | Mismatch | Duplicate;

/** A run's totals; `matched` and `mismatched` count pairs, the others rows or expectations. */
export interface ReconciliationCounts {
  matched: number;
  localMissing: number;
  channelMissing: number;
  mismatched: number;
  duplicates: number;
}
