import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  ReconciliationError,
  StatementFormatError,
} from '../../../../shared/domain/reconciliation/errors.js';
import {
  parseStatement,
  STATEMENT_HEADER,
  type StatementLine,
} from '../../../../shared/domain/reconciliation/statement.js';

const scope = { channel: 'sandbox', date: '2026-03-01' };
const H = STATEMENT_HEADER;
const ROW = 'sbx_1,pay_1,payment,1050,USD,succeeded,30,2026-03-01T10:07:00.123Z';

async function parse(source: Parameters<typeof parseStatement>[0], date = scope.date) {
  const rows: StatementLine[] = [];
  for await (const row of parseStatement(source, { channel: 'sandbox', date })) rows.push(row);
  return rows;
}

/** The error a statement is refused with; fails the test if it parses. */
async function refusal(csv: string): Promise<StatementFormatError> {
  try {
    await parse(csv);
  } catch (error) {
    assert.ok(error instanceof StatementFormatError, String(error));
    return error;
  }
  assert.fail('the statement parsed');
}

describe('statement parser', () => {
  it('reads CRLF rows with a trailing line break, each with its line number', async () => {
    // Prepare
    const csv = `${H}\r\n${ROW}\r\nsbx_2,re_1,refund,500,EUR,failed,0,2026-03-01T23:59:59Z\r\n`;
    // Act
    const rows = await parse(csv);
    // Assess
    assert.deepEqual(rows, [
      {
        line: 2,
        channelReference: 'sbx_1',
        reference: 'pay_1',
        type: 'payment',
        amount: 1050,
        currency: 'USD',
        status: 'succeeded',
        fee: 30,
        occurredAt: '2026-03-01T10:07:00.123Z',
      },
      {
        line: 3,
        channelReference: 'sbx_2',
        reference: 're_1',
        type: 'refund',
        amount: 500,
        currency: 'EUR',
        status: 'failed',
        fee: 0,
        occurredAt: '2026-03-01T23:59:59Z',
      },
    ]);
  });

  it('reads LF rows without a final line break, skipping blank lines but counting them', async () => {
    const rows = await parse(`${H}\n\n${ROW}\n\n${ROW.replace('pay_1', 'pay_2')}`);
    assert.deepEqual(
      rows.map((r) => [r.line, r.reference]),
      [
        [3, 'pay_1'],
        [5, 'pay_2'],
      ],
    );
  });

  it('reads an empty reference as null: the channel does not know our id', async () => {
    const [row] = await parse(`${H}\n${ROW.replace('pay_1', '')}\n`);
    assert.equal(row?.reference, null);
    assert.equal(row?.channelReference, 'sbx_1');
  });

  it('reads quoted fields with commas, escaped quotes and line breaks, and keeps line numbers exact', async () => {
    // Prepare
    const quoted = '"sbx,""1""\r\nsecond line","pay_1",payment,"1050",USD,succeeded,30,2026-03-01T10:07:00Z';
    // Act
    const rows = await parse(`${H}\r\n${quoted}\r\n${ROW}\r\n`);
    // Assess
    assert.equal(rows[0]?.channelReference, 'sbx,"1"\r\nsecond line');
    assert.equal(rows[0]?.amount, 1050);
    assert.deepEqual(
      rows.map((r) => r.line),
      [2, 4],
    );
  });

  it('reads the same rows whatever the chunking, also with a multi-byte character split across chunks', async () => {
    // Prepare
    const csv = `\uFEFF${H}\r\n"sbx_é,1",pay_ü,payment,1,USD,succeeded,0,2026-03-01T00:00:00Z\r\n${ROW}\r\n`;
    const bytes = Buffer.from(csv, 'utf8');
    const whole = await parse(csv);
    // Act
    const results = [];
    for (let size = 1; size <= 17; size += 1) {
      const chunks = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      results.push(await parse(chunks));
    }
    // Assess
    assert.equal(whole[0]?.channelReference, 'sbx_é,1');
    assert.equal(whole.length, 2);
    for (const rows of results) assert.deepEqual(rows, whole);
  });

  it('reads a Node stream of bytes', async () => {
    const rows = await parse(Readable.from([Buffer.from(`${H}\n${ROW}\n`)]));
    assert.equal(rows.length, 1);
  });

  it('takes the UTC day of a timestamp with an offset', async () => {
    const rows = await parse(
      `${H}\n${ROW.replace('2026-03-01T10:07:00.123Z', '2026-03-02T01:30:00+02:00')}\n`,
    );
    assert.equal(rows[0]?.occurredAt, '2026-03-02T01:30:00+02:00');
  });

  it('refuses a statement day that is not a real day', async () => {
    await assert.rejects(parse(`${H}\n`, '2026-02-30'), (e: unknown) => {
      return e instanceof ReconciliationError && e.code === 'invalid_statement_date';
    });
  });
});

describe('statement parser refusals', () => {
  const cases: [string, string, number, string, string | undefined][] = [
    ['an empty statement', '', 1, 'missing_header', undefined],
    ['a wrong header', `${H.replace('fee', 'fees')}\n${ROW}\n`, 1, 'invalid_header', undefined],
    [
      'a missing column',
      `${H}\n${ROW}\nsbx_2,pay_2,payment,1,USD,succeeded,0\n`,
      3,
      'wrong_column_count',
      'occurred_at',
    ],
    ['an extra column', `${H}\n${ROW},x\n`, 2, 'wrong_column_count', undefined],
    [
      'an empty channel reference',
      `${H}\n${ROW.replace('sbx_1', '')}\n`,
      2,
      'invalid_value',
      'channel_reference',
    ],
    ['an unknown type', `${H}\n${ROW.replace('payment', 'payout')}\n`, 2, 'invalid_value', 'type'],
    ['a decimal amount', `${H}\n${ROW}\n${ROW.replace(',1050,', ',10.50,')}\n`, 3, 'invalid_value', 'amount'],
    ['a zero amount', `${H}\n${ROW.replace(',1050,', ',0,')}\n`, 2, 'invalid_value', 'amount'],
    [
      'an amount above 10^12',
      `${H}\n${ROW.replace(',1050,', ',1000000000001,')}\n`,
      2,
      'invalid_value',
      'amount',
    ],
    ['a padded amount', `${H}\n${ROW.replace(',1050,', ', 1050,')}\n`, 2, 'invalid_value', 'amount'],
    ['a lower-case currency', `${H}\n${ROW.replace('USD', 'usd')}\n`, 2, 'invalid_value', 'currency'],
    ['an unknown status', `${H}\n${ROW.replace('succeeded', 'pending')}\n`, 2, 'invalid_value', 'status'],
    ['a negative fee', `${H}\n${ROW.replace(',30,', ',-30,')}\n`, 2, 'invalid_value', 'fee'],
    ['an empty fee', `${H}\n${ROW.replace(',30,', ',,')}\n`, 2, 'invalid_value', 'fee'],
    ['a timestamp without offset', `${H}\n${ROW.replace('.123Z', '')}\n`, 2, 'invalid_value', 'occurred_at'],
    [
      'a date that does not exist',
      `${H}\n${ROW.replace('03-01T', '02-30T')}\n`,
      2,
      'invalid_value',
      'occurred_at',
    ],
    [
      'text after the offset',
      `${H}\n${ROW.replace('.123Z', '.123Z+01:00')}\n`,
      2,
      'invalid_value',
      'occurred_at',
    ],
    [
      'ten digits of fraction',
      `${H}\n${ROW.replace('.123Z', '.1234567890Z')}\n`,
      2,
      'invalid_value',
      'occurred_at',
    ],
    ['hour 24', `${H}\n${ROW.replace('T10:', 'T24:')}\n`, 2, 'invalid_value', 'occurred_at'],
    [
      'a row of the next day',
      `${H}\n${ROW}\n${ROW.replace('03-01T', '03-02T')}\n`,
      3,
      'wrong_day',
      'occurred_at',
    ],
    [
      'a row whose offset puts it on the next UTC day',
      `${H}\n${ROW.replace('10:07:00.123Z', '23:30:00-02:00')}\n`,
      2,
      'wrong_day',
      'occurred_at',
    ],
    [
      'a quote inside an unquoted field',
      `${H}\n${ROW.replace('sbx_1', 'sb"x')}\n`,
      2,
      'invalid_quote',
      undefined,
    ],
    [
      'text after a closing quote',
      `${H}\n${ROW.replace('sbx_1', '"sbx"1')}\n`,
      2,
      'invalid_quote',
      undefined,
    ],
    ['an unclosed quote', `${H}\n${ROW}\n"sbx_2,pay_2\n`, 3, 'unterminated_quote', undefined],
    ['a line longer than any row', `${H}\n${ROW}\n${'x'.repeat(70_000)}\n`, 3, 'line_too_long', undefined],
  ];
  for (const [what, csv, line, code, column] of cases) {
    it(`refuses ${what}, naming line ${line}`, async () => {
      // Act
      const error = await refusal(csv);
      // Assess
      assert.equal(error.code, code);
      assert.equal(error.line, line);
      assert.equal(error.column, column);
      assert.match(error.message, new RegExp(`^Statement line ${line}\\b`));
      assert.deepEqual(error.statement, { channel: 'sandbox', date: '2026-03-01' });
    });
  }

  it('names the line of a bad row after a quoted field that spans lines', async () => {
    const csv = `${H}\n"a\nb\nc",pay_1,payment,1,USD,succeeded,0,2026-03-01T00:00:00Z\n${ROW.replace('USD', 'US')}\n`;
    const error = await refusal(csv);
    assert.equal(error.line, 5);
    assert.equal(error.column, 'currency');
  });

  it('yields the good rows before the bad one, so nothing after it is read', async () => {
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const row of parseStatement(`${H}\n${ROW}\n${ROW}\nbad\n`, scope)) seen.push(row.line);
    }, StatementFormatError);
    assert.deepEqual(seen, [2, 3]);
  });
});
