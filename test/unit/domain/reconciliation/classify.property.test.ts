import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  classify,
  type Discrepancy,
  type Expectation,
  ExpectationIndex,
  formatStatementCsv,
  parseStatement,
  type StatementRow,
} from '../../../../shared/domain/reconciliation/index.js';

type Field = 'amount' | 'currency' | 'status' | 'fee';
const FIELDS: readonly Field[] = ['amount', 'currency', 'status', 'fee'];

/** One expectation and what the channel's statement does to its row. */
const case_ = fc.record({
  type: fc.constantFrom('payment', 'refund'),
  amount: fc.integer({ min: 1, max: 1_000_000 }),
  currency: fc.constantFrom('USD', 'EUR'),
  status: fc.constantFrom('succeeded', 'failed'),
  fee: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  hasChannelReference: fc.boolean(),
  perturbation: fc.constantFrom('none', 'drop', 'alter', 'duplicate'),
  altered: fc.subarray([...FIELDS], { minLength: 1 }),
  /** The channel does not know our reference (only possible when we hold its reference). */
  blank: fc.boolean(),
  order: fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
});

/** A row the channel has and we hold nothing for. */
const unknownRow = fc.record({
  type: fc.constantFrom('payment', 'refund'),
  status: fc.constantFrom('succeeded', 'failed'),
  blank: fc.boolean(),
  order: fc.nat(),
});

const other = { USD: 'EUR', EUR: 'USD' } as Record<string, string>;
const AT = '2026-03-01T12:00:00.000Z';

describe('reconciliation classifier, for any statement', () => {
  it('reports exactly the perturbations of the statement and matches everything else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(case_, { maxLength: 25 }),
        fc.array(unknownRow, { maxLength: 5 }),
        async (cases, unknowns) => {
          // Prepare
          const expected: Expectation[] = [];
          const rows: { order: number; row: StatementRow }[] = [];
          const wanted: string[] = [];
          let matched = 0;
          cases.forEach((c, i) => {
            const reference = `${c.type === 'payment' ? 'pay' : 're'}_${i}`;
            const e: Expectation = {
              type: c.type,
              reference,
              channelReference: c.hasChannelReference ? `ch_${i}` : null,
              amount: c.amount,
              currency: c.currency,
              status: c.status,
              ...(c.fee === undefined ? {} : { fee: c.fee }),
            };
            expected.push(e);
            if (c.perturbation === 'drop') {
              wanted.push(`channel_missing ${reference} `);
              return;
            }
            // Without a fee of ours, the channel's fee cannot be wrong.
            const fields =
              c.perturbation === 'alter'
                ? FIELDS.filter((f) => c.altered.includes(f) && (f !== 'fee' || c.fee !== undefined))
                : [];
            const flip = fields.includes('status');
            const row: StatementRow = {
              channelReference: e.channelReference ?? `chan_${i}`,
              reference: c.blank && e.channelReference !== null ? null : reference,
              type: c.type,
              amount: fields.includes('amount') ? c.amount + 1 : c.amount,
              currency: fields.includes('currency') ? (other[c.currency] as string) : c.currency,
              status: flip ? (c.status === 'succeeded' ? 'failed' : 'succeeded') : c.status,
              fee: fields.includes('fee') ? (c.fee ?? 0) + 1 : (c.fee ?? 7),
              occurredAt: AT,
            };
            rows.push({ order: c.order[0]!, row });
            if (fields.length === 0) matched += 1;
            else if (flip && row.status === 'succeeded') wanted.push(`local_missing ${reference} ${fields}`);
            else wanted.push(`mismatch ${reference} ${fields}`);
            if (c.perturbation === 'duplicate') {
              rows.push({ order: c.order[1]!, row });
              wanted.push(`duplicate ${reference} `);
            }
          });
          unknowns.forEach((u, j) => {
            const reference = u.blank ? null : `pay_x${j}`;
            rows.push({
              order: u.order,
              row: {
                ...u,
                channelReference: `chx_${j}`,
                reference,
                amount: 1,
                currency: 'USD',
                fee: 0,
                occurredAt: AT,
              },
            });
            wanted.push(`local_missing ${reference} `);
          });
          rows.sort((a, b) => a.order - b.order);
          const csv = formatStatementCsv(rows.map((r) => r.row));
          // Act
          const run = classify(
            await ExpectationIndex.from(expected),
            parseStatement(csv, { channel: 'sandbox', date: '2026-03-01' }),
          );
          const found: Discrepancy[] = [];
          for await (const d of run) found.push(d);
          // Assess
          assert.deepEqual(found.map((d) => `${d.kind} ${d.reference} ${d.fields}`).sort(), wanted.sort());
          const counts = run.counts;
          const count = (kind: string) => wanted.filter((w) => w.startsWith(`${kind} `)).length;
          assert.deepEqual(counts, {
            matched,
            localMissing: count('local_missing'),
            channelMissing: count('channel_missing'),
            mismatched: count('mismatch'),
            duplicates: count('duplicate'),
          });
          // Every row and every expectation is classified exactly once.
          const heldLocalMissing = found.filter((d) => d.kind === 'local_missing' && d.held !== null).length;
          assert.equal(
            rows.length,
            counts.matched + counts.mismatched + counts.localMissing + counts.duplicates,
          );
          assert.equal(
            expected.length,
            counts.matched + counts.mismatched + heldLocalMissing + counts.channelMissing,
          );
          // Only the rows we hold nothing for, that carry our reference, can be repaired.
          for (const d of found)
            assert.equal(d.repairable, d.kind === 'local_missing' && d.held === null && d.reference !== null);
        },
      ),
    );
  });
});
