/**
 * Writes statements in the contract's CSV format: what the sandbox channel serves and what the
 * reconciliation bench feeds the parser. Lines end with CRLF (RFC 4180); a field is quoted only when it
 * holds a comma, a quote or a line break, so ordinary rows take the parser's fast path.
 */
import { STATEMENT_HEADER, type StatementRow } from './row.js';

const NEEDS_QUOTES = /[",\r\n]/;

function field(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One row as a CSV line, without its line break. A `null` reference is written as an empty field. */
export function statementCsvLine(row: StatementRow): string {
  return [
    field(row.channelReference),
    field(row.reference ?? ''),
    row.type,
    String(row.amount),
    field(row.currency),
    row.status,
    String(row.fee),
    field(row.occurredAt),
  ].join(',');
}

/**
 * The header and each row as CRLF-terminated lines, lazily: pass it to `Readable.from` to stream a
 * statement of any size without building it in memory.
 */
export function* statementCsvLines(rows: Iterable<StatementRow>): Generator<string, void, undefined> {
  yield `${STATEMENT_HEADER}\r\n`;
  for (const row of rows) yield `${statementCsvLine(row)}\r\n`;
}

/** A whole statement as one string: header, then one CRLF-terminated line per row. */
export function formatStatementCsv(rows: Iterable<StatementRow>): string {
  let csv = '';
  for (const line of statementCsvLines(rows)) csv += line;
  return csv;
}
