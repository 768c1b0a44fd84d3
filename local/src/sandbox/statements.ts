/**
 * The sandbox PSP's books: one statement row per outcome it reported, filed by the UTC day of the
 * callback's `occurredAt`, and the discrepancies a test injected into a day's statement (contract
 * "Reconciliation (ops)"). Injections are applied as the statement is read, never to the record, so
 * clearing them gives back the true statement.
 */
import type { PspJournal } from './journal.js';
import { type StatementRow, utcDayOf } from './statement-csv.js';

export type { StatementRow } from './statement-csv.js';

/**
 * The sandbox fee of an outcome, in minor units of its currency: for a succeeded payment, 2.9% of the
 * amount rounded half up, plus 30 minor units whatever the currency's exponent ($0.30, ¥30); nothing
 * for a failed payment nor for a refund (a refund does not give the fee back either). Integers only:
 * `amount × 29` stays below 2^53 for every amount the contract accepts (≤ 10^12).
 */
export function sandboxFee(outcome: Pick<StatementRow, 'type' | 'status' | 'amount'>): number {
  if (outcome.type !== 'payment' || outcome.status !== 'succeeded') return 0;
  return Math.floor((outcome.amount * 29 + 500) / 1000) + 30;
}

/** Fields an injection may change in a recorded row. */
export type RowChange = Partial<Pick<StatementRow, 'amount' | 'currency' | 'status' | 'fee'>>;

/**
 * Discrepancies to inject into a day's statement. `drop`, `alter`, `duplicate` and `blankReference`
 * name recorded rows by our reference; `add` appends rows as given (a payment the channel knows and we
 * do not, or the outcome of a callback that never came).
 */
export interface Injections {
  /** Rows left out of the statement. */
  readonly drop?: readonly string[];
  /** Rows shown with other values; a later change of a reference overrides the fields it names. */
  readonly alter?: readonly ({ readonly reference: string } & RowChange)[];
  /** Rows shown once more per mention (named twice: three rows in all). */
  readonly duplicate?: readonly string[];
  readonly add?: readonly StatementRow[];
  /** Rows shown with an empty reference, as from a channel that does not know our id. */
  readonly blankReference?: readonly string[];
}

interface DayInjections {
  readonly drop: Set<string>;
  readonly alter: Map<string, RowChange>;
  readonly duplicate: Map<string, number>;
  readonly add: StatementRow[];
  readonly blankReference: Set<string>;
}

interface Day {
  readonly rows: StatementRow[];
  injections: DayInjections | undefined;
}

/** Days kept: enough for a month of daily runs; older days are forgotten, their injections with them. */
export const RETAINED_DAYS = 31;

/** A sandbox PSP's statements: what it recorded per day, and what tests injected. */
export class StatementBook {
  private readonly days = new Map<string, Day>();
  /** Where injections are recorded when the PSP persists (set once its journal is replayed). */
  journal: Pick<PspJournal, 'append'> | undefined;

  /** Files an outcome under the UTC day of its `occurredAt`. */
  record(row: StatementRow): void {
    const date = utcDayOf(row.occurredAt);
    if (date === undefined) throw new RangeError(`${row.occurredAt} is not an ISO 8601 timestamp`);
    this.day(date).rows.push(row);
  }

  /**
   * Adds `injections` to those of `date` (all or nothing). Answers the references that name no row
   * recorded that day, in which case nothing is injected.
   */
  inject(date: string, injections: Injections): { unknown: string[] } {
    const named = [
      ...(injections.drop ?? []),
      ...(injections.alter ?? []).map((a) => a.reference),
      ...(injections.duplicate ?? []),
      ...(injections.blankReference ?? []),
    ];
    const missing = new Set(named);
    for (const row of this.days.get(date)?.rows ?? []) if (row.reference) missing.delete(row.reference);
    if (missing.size > 0) return { unknown: [...missing] };
    const day = this.day(date);
    day.injections ??= {
      drop: new Set(),
      alter: new Map(),
      duplicate: new Map(),
      add: [],
      blankReference: new Set(),
    };
    const into = day.injections;
    for (const reference of injections.drop ?? []) into.drop.add(reference);
    for (const { reference, ...change } of injections.alter ?? []) {
      into.alter.set(reference, { ...into.alter.get(reference), ...change });
    }
    for (const reference of injections.duplicate ?? []) {
      into.duplicate.set(reference, (into.duplicate.get(reference) ?? 0) + 1);
    }
    into.add.push(...(injections.add ?? []));
    for (const reference of injections.blankReference ?? []) into.blankReference.add(reference);
    this.journal?.append({ t: 'injected', date, injections });
    return { unknown: [] };
  }

  /** The injections of `date`, in the shape `inject` takes. */
  injected(date: string): Required<Injections> {
    const into = this.days.get(date)?.injections;
    return {
      drop: [...(into?.drop ?? [])],
      alter: [...(into?.alter ?? [])].map(([reference, change]) => ({ reference, ...change })),
      duplicate: [...(into?.duplicate ?? [])].flatMap(([reference, n]) => Array<string>(n).fill(reference)),
      add: [...(into?.add ?? [])],
      blankReference: [...(into?.blankReference ?? [])],
    };
  }

  clear(date: string): void {
    const day = this.days.get(date);
    if (day) day.injections = undefined;
    this.journal?.append({ t: 'cleared', date });
  }

  /**
   * The statement rows of `date`, lazily: the recorded ones (injections applied), then the added ones.
   * Rows recorded or injected once the iteration has begun are not part of it.
   */
  *rows(date: string): Generator<StatementRow, void, undefined> {
    const day = this.days.get(date);
    if (!day) return;
    const { rows, injections } = day;
    const recorded = rows.length;
    const added = injections?.add.length ?? 0;
    for (let at = 0; at < recorded; at += 1) {
      const row = rows[at] as StatementRow;
      if (injections === undefined || row.reference === null) yield row;
      else yield* shown(row, row.reference, injections);
    }
    for (let at = 0; at < added; at += 1) yield injections?.add[at] as StatementRow;
  }

  private day(date: string): Day {
    let day = this.days.get(date);
    if (day) return day;
    day = { rows: [], injections: undefined };
    this.days.set(date, day);
    if (this.days.size > RETAINED_DAYS) {
      const oldest = [...this.days.keys()].filter((d) => d !== date).sort()[0];
      if (oldest !== undefined) this.days.delete(oldest);
    }
    return day;
  }
}

function* shown(row: StatementRow, reference: string, injections: DayInjections): Generator<StatementRow> {
  if (injections.drop.has(reference)) return;
  const change = injections.alter.get(reference);
  const blank = injections.blankReference.has(reference);
  const out = change || blank ? { ...row, ...change, ...(blank ? { reference: null } : {}) } : row;
  yield out;
  for (let n = injections.duplicate.get(reference) ?? 0; n > 0; n -= 1) yield out;
}
