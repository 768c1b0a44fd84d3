/**
 * Classifies a channel-day: every statement row and every expectation exactly once, as matched or as one
 * discrepancy. Rows are streamed once and never kept; only the expectation index, one byte per
 * expectation and the ids of rows we do not know stay in memory.
 *
 * A row resolves to an expectation of its type by `reference`, or by `channelReference` when the
 * channel does not know our id. Then:
 * - same amount, currency, status (and fee, when we know ours): matched;
 * - the channel succeeded where we hold a failure, or it reports an outcome we hold none of:
 *   `local_missing` (the channel has it, we do not);
 * - any other difference: `mismatch`, listing the fields;
 * - a row resolving to an expectation an earlier row already took, or a row we hold nothing for that
 *   shares our id or the channel's with an earlier such row: `duplicate`;
 * - an expectation no row took: `channel_missing`.
 */
import type { Discrepancy, ReconciliationCounts } from './discrepancy.js';
import { ReconciliationError } from './errors.js';
import type { ExpectationIndex } from './expectations.js';
import { IdColumn } from './ids.js';
import type { StatementLine } from './row.js';

const UNKNOWN_TAGS = {
  payment: { reference: 1, channelReference: 2 },
  refund: { reference: 3, channelReference: 4 },
} as const;

/**
 * Reconciles `rows` (one pass, as they stream) against `expected`. Iterate the result once for its
 * discrepancies; `counts` is readable once the iteration has ended. The index is not changed: another
 * run may use it.
 */
export function classify(expected: ExpectationIndex, rows: AsyncIterable<StatementLine>): Reconciliation {
  return new Reconciliation(expected, rows);
}

export class Reconciliation implements AsyncIterable<Discrepancy> {
  private readonly totals: ReconciliationCounts = {
    matched: 0,
    localMissing: 0,
    channelMissing: 0,
    mismatched: 0,
    duplicates: 0,
  };
  private state: 'new' | 'running' | 'done' = 'new';

  constructor(
    private readonly expected: ExpectationIndex,
    private readonly rows: AsyncIterable<StatementLine>,
  ) {}

  /** @throws ReconciliationError `run_state` until the discrepancies have been iterated to the end. */
  get counts(): ReconciliationCounts {
    if (this.state !== 'done')
      throw new ReconciliationError('run_state', 'the run has not been iterated to its end');
    return { ...this.totals };
  }

  /** @throws ReconciliationError `run_state` when iterated a second time: the rows stream only once. */
  [Symbol.asyncIterator](): AsyncIterator<Discrepancy> {
    if (this.state !== 'new') throw new ReconciliationError('run_state', 'a run is iterated only once');
    this.state = 'running';
    return this.run();
  }

  private async *run(): AsyncGenerator<Discrepancy, void, undefined> {
    const { expected, totals } = this;
    const taken = new Uint8Array(expected.size);
    // Ids of the rows we hold nothing for, to tell a repeated unknown row from a new one. Copied into
    // bytes: the row's strings are slices of a parser chunk, and a Set of them would keep every chunk.
    const unknown = new IdColumn();
    for await (const row of this.rows) {
      const { type, reference, channelReference } = row;
      const at =
        reference === null
          ? expected.findByChannelReference(type, channelReference)
          : expected.find(type, reference);
      if (at === -1) {
        // Either id repeated marks the same object: ours, or the channel's.
        const tags = UNKNOWN_TAGS[type];
        const seen =
          (reference !== null && unknown.find(tags.reference, reference) !== -1) ||
          unknown.find(tags.channelReference, channelReference) !== -1;
        if (reference !== null) unknown.push(tags.reference, reference);
        unknown.push(tags.channelReference, channelReference);
        unknown.index();
        const base = { type, reference, channelReference, fields: [], row, held: null };
        if (seen) {
          totals.duplicates += 1;
          yield { ...base, kind: 'duplicate', repairable: false };
        } else {
          totals.localMissing += 1;
          // Without our id there is nothing a repair could look the object up by.
          yield { ...base, kind: 'local_missing', repairable: reference !== null };
        }
        continue;
      }
      if (taken[at] === 1) {
        const held = expected.at(at);
        totals.duplicates += 1;
        yield {
          kind: 'duplicate',
          type,
          reference: held.reference,
          channelReference,
          fields: [],
          row,
          held,
          repairable: false,
        };
        continue;
      }
      taken[at] = 1;
      const fields = expected.differences(at, row);
      if (fields.length === 0) {
        totals.matched += 1;
        continue;
      }
      const held = expected.at(at);
      const base = {
        type,
        reference: held.reference,
        channelReference,
        fields,
        row,
        held,
        repairable: false as const,
      };
      if (row.status === 'succeeded' && held.status !== 'succeeded') {
        totals.localMissing += 1;
        yield { ...base, kind: 'local_missing' };
      } else {
        totals.mismatched += 1;
        yield { ...base, kind: 'mismatch' };
      }
    }
    for (let at = 0; at < taken.length; at += 1) {
      if (taken[at] === 1) continue;
      const held = expected.at(at);
      totals.channelMissing += 1;
      yield {
        kind: 'channel_missing',
        type: held.type,
        reference: held.reference,
        channelReference: held.channelReference,
        fields: [],
        row: null,
        held,
        repairable: false,
      };
    }
    this.state = 'done';
  }
}
