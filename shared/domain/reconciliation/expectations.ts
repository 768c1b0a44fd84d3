/**
 * What we expect on one channel-day's statement, held compactly so a run can look up each streamed row.
 * A channel-day may hold a million outcomes: as objects (or ids as strings in Maps) they measured
 * ~300 MB of heap, so everything lives in typed arrays: the numbers (~20 B per outcome) and the ids as
 * UTF-8 with their hash indexes (ids.ts): ~110 MB for a million (test/bench/reconcile.ts), and nothing
 * the GC has to walk. Nothing of an expectation object is kept once it is added.
 */
import type { ComparedField } from './discrepancy.js';
import { ReconciliationError } from './errors.js';
import { IdColumn } from './ids.js';
import type { StatementRow } from './row.js';

/**
 * One expected statement row. `ExpectedOutcome` (shared/events) is one; `fee` is absent while we do
 * not know channel fees per payment, and is compared only when present.
 */
export interface Expectation {
  readonly type: 'payment' | 'refund';
  /** Our id (`pay_…`, `re_…`); unique per type within a channel-day. */
  readonly reference: string;
  readonly channelReference: string | null;
  readonly amount: number;
  readonly currency: string;
  readonly status: 'succeeded' | 'failed';
  readonly fee?: number;
}

/** The id columns' tags: one column holds both types' ids apart. */
const TAGS = { payment: 1, refund: 2 } as const;
const REFUND = 1;
const FAILED = 2;
const NO_FEE = -1;
const NO_DIFFERENCES: readonly ComparedField[] = Object.freeze([]);
// Also bounds the distinct currencies (26³) below what the Uint16Array of currency ids can number.
const CURRENCY = /^[A-Z]{3}$/;

/** Index of a channel-day's expectations by type and reference, and by type and channel reference. */
export class ExpectationIndex {
  private readonly references = new IdColumn();
  private readonly channelReferences = new IdColumn();
  private channelReferencesIndexed = false;
  private readonly currencyNames: string[] = [];
  private readonly currencyIds = new Map<string, number>();
  private flags = new Uint8Array(1024);
  private currencies = new Uint16Array(1024);
  private amounts = new Float64Array(1024);
  private fees = new Float64Array(1024);

  /** Builds the index from expectations as they are read (a store query's pages), never all at once. */
  static async from(
    expectations: Iterable<Expectation> | AsyncIterable<Expectation>,
  ): Promise<ExpectationIndex> {
    const index = new ExpectationIndex();
    // A sync source is read without an await per item: a million microtasks are not free.
    if (Symbol.iterator in expectations) for (const expectation of expectations) index.add(expectation);
    else for await (const expectation of expectations) index.add(expectation);
    return index;
  }

  /** How many expectations the index holds; their positions are `0 … size − 1`, in the order added. */
  get size(): number {
    return this.references.size;
  }

  /**
   * Adds one expectation.
   * @throws ReconciliationError `duplicate_expectation` when its type and reference are already held,
   *   `invalid_expectation` when it is no valid outcome.
   */
  add(e: Expectation): void {
    const valid =
      (e.type === 'payment' || e.type === 'refund') &&
      (e.status === 'succeeded' || e.status === 'failed') &&
      e.reference !== '' &&
      CURRENCY.test(e.currency) &&
      Number.isSafeInteger(e.amount) &&
      e.amount > 0 &&
      (e.fee === undefined || (Number.isSafeInteger(e.fee) && e.fee >= 0));
    if (!valid)
      throw new ReconciliationError('invalid_expectation', `${e.type} ${e.reference} is no valid outcome`);
    const tag = TAGS[e.type];
    if (this.references.find(tag, e.reference) !== -1) {
      throw new ReconciliationError('duplicate_expectation', `${e.type} ${e.reference} is expected twice`);
    }
    const at = this.references.size;
    if (at === this.amounts.length) this.grow();
    this.references.push(tag, e.reference);
    this.references.index();
    this.channelReferences.push(tag, e.channelReference || null);
    if (this.channelReferencesIndexed) this.channelReferences.index();
    let currency = this.currencyIds.get(e.currency);
    if (currency === undefined) {
      currency = this.currencyNames.push(e.currency) - 1;
      this.currencyIds.set(e.currency, currency);
    }
    this.currencies[at] = currency;
    this.flags[at] = (e.type === 'refund' ? REFUND : 0) | (e.status === 'failed' ? FAILED : 0);
    this.amounts[at] = e.amount;
    this.fees[at] = e.fee ?? NO_FEE;
  }

  /** Position of the expectation of `type` with our `reference`, or -1. */
  find(type: 'payment' | 'refund', reference: string): number {
    return this.references.find(TAGS[type], reference);
  }

  /**
   * Position of the expectation of `type` with `channelReference`, or -1; the first added wins if two
   * share one. Indexed on first use: most statements carry our reference on every row.
   */
  findByChannelReference(type: 'payment' | 'refund', channelReference: string): number {
    if (!this.channelReferencesIndexed) {
      this.channelReferences.index();
      this.channelReferencesIndexed = true;
    }
    return this.channelReferences.find(TAGS[type], channelReference);
  }

  typeAt(at: number): 'payment' | 'refund' {
    return ((this.flags[at] as number) & REFUND) === 0 ? 'payment' : 'refund';
  }

  /** The expectation at a position, as an object (for a discrepancy: rare, so built on demand). */
  at(at: number): Expectation {
    const fee = this.fees[at] as number;
    return {
      type: this.typeAt(at),
      reference: this.references.get(at) as string,
      channelReference: this.channelReferences.get(at),
      amount: this.amounts[at] as number,
      currency: this.currencyNames[this.currencies[at] as number] as string,
      status: ((this.flags[at] as number) & FAILED) === 0 ? 'succeeded' : 'failed',
      ...(fee === NO_FEE ? {} : { fee }),
    };
  }

  /** Fields in which `row` differs from the expectation at `at`; `fee` only when we know ours. */
  differences(
    at: number,
    row: Pick<StatementRow, 'amount' | 'currency' | 'status' | 'fee'>,
  ): readonly ComparedField[] {
    const amount = this.amounts[at] === row.amount;
    const currency = this.currencyNames[this.currencies[at] as number] === row.currency;
    const status = (((this.flags[at] as number) & FAILED) === 0 ? 'succeeded' : 'failed') === row.status;
    const fee = this.fees[at] === NO_FEE || this.fees[at] === row.fee;
    // The common case allocates nothing: a million matched rows, a million empty arrays otherwise.
    if (amount && currency && status && fee) return NO_DIFFERENCES;
    const fields: ComparedField[] = [];
    if (!amount) fields.push('amount');
    if (!currency) fields.push('currency');
    if (!status) fields.push('status');
    if (!fee) fields.push('fee');
    return fields;
  }

  private grow(): void {
    const n = this.amounts.length * 2;
    const flags = new Uint8Array(n);
    const currencies = new Uint16Array(n);
    const amounts = new Float64Array(n);
    const fees = new Float64Array(n);
    flags.set(this.flags);
    currencies.set(this.currencies);
    amounts.set(this.amounts);
    fees.set(this.fees);
    this.flags = flags;
    this.currencies = currencies;
    this.amounts = amounts;
    this.fees = fees;
  }
}
