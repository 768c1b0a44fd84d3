import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatStatementCsv, statementCsvLine } from '../../../../shared/domain/reconciliation/format.js';
import {
  parseStatement,
  STATEMENT_HEADER,
  type StatementRow,
} from '../../../../shared/domain/reconciliation/statement.js';

const DAY_START = Date.UTC(2026, 2, 1);

/** Any valid row of 2026-03-01, ids included that need quoting. */
const statementRow: fc.Arbitrary<StatementRow> = fc
  .record({
    channelReference: fc.string({
      minLength: 1,
      maxLength: 12,
      unit: fc.constantFrom('a', '1', ',', '"', '\n', '\r', 'é'),
    }),
    reference: fc.option(
      fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('p', '_', ',', '"', '\n') }),
      {
        nil: null,
      },
    ),
    type: fc.constantFrom('payment', 'refund'),
    amount: fc.integer({ min: 1, max: 1_000_000_000_000 }),
    currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    status: fc.constantFrom('succeeded', 'failed'),
    fee: fc.integer({ min: 0, max: 1_000_000_000_000 }),
    occurredAt: fc.integer({ min: 0, max: 86_399_999 }).map((ms) => new Date(DAY_START + ms).toISOString()),
  })
  .map((row) => ({ ...row })); // fast-check builds null-prototype records; the parser builds plain ones

describe('statement writer', () => {
  it('writes the contract header and one CRLF line per row', () => {
    // Prepare
    const row: StatementRow = {
      channelReference: 'sbx_1',
      reference: null,
      type: 'payment',
      amount: 1050,
      currency: 'USD',
      status: 'succeeded',
      fee: 30,
      occurredAt: '2026-03-01T10:07:00.000Z',
    };
    // Act
    const csv = formatStatementCsv([row]);
    // Assess
    assert.equal(
      csv,
      `${STATEMENT_HEADER}\r\nsbx_1,,payment,1050,USD,succeeded,30,2026-03-01T10:07:00.000Z\r\n`,
    );
  });

  it('quotes only fields that hold a comma, a quote or a line break', () => {
    const line = statementCsvLine({
      channelReference: 'a,"b"',
      reference: 'pay_1',
      type: 'refund',
      amount: 1,
      currency: 'EUR',
      status: 'failed',
      fee: 0,
      occurredAt: '2026-03-01T00:00:00Z',
    });
    assert.equal(line, '"a,""b""",pay_1,refund,1,EUR,failed,0,2026-03-01T00:00:00Z');
  });

  it('writes statements the parser reads back row for row, line numbers included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(statementRow, { maxLength: 20 }), async (rows) => {
        // Act
        const parsed = [];
        for await (const row of parseStatement(formatStatementCsv(rows), {
          channel: 'c',
          date: '2026-03-01',
        })) {
          parsed.push(row);
        }
        // Assess
        assert.deepEqual(
          parsed.map(({ line: _line, ...row }) => row),
          rows,
        );
        // Each row starts one line after the previous one ended (quoted line breaks count).
        let line = 2;
        parsed.forEach((row, i) => {
          assert.equal(row.line, line);
          line += 1 + (statementCsvLine(rows[i]!).match(/\n/g)?.length ?? 0);
        });
      }),
    );
  });
});
