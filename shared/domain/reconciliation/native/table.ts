/**
 * What the three native statement readers share: bytes decoded as a stream (UTF-8, or GBK for Alipay),
 * split into records by the canonical parser's own splitter (csv.ts: it knows each record's physical
 * line), columns found by name in the channel's header, and each row checked by the canonical row's own
 * checks (row.ts), so a native statement is held to exactly the rules of a canonical one. Errors name
 * the native line and the native column.
 */

import { StringDecoder } from 'node:string_decoder';
import { type CsvRecord, CsvSplitter } from '../csv.js';
import { isDay, utcDayOf } from '../day.js';
import { ReconciliationError, StatementFormatError } from '../errors.js';
import { rowOf, type StatementColumn, type StatementLine, type StatementRow } from '../row.js';
import type { StatementScope, StatementSource } from '../statement.js';

/** The canonical row a native record becomes, or `undefined` for a record that is not an outcome. */
export type NativeRowReader = (record: CsvRecord) => StatementLine | undefined;

/**
 * The UTC day a statement's rows are read for, and what becomes of a row of another day: refused (a
 * statement of that day, as the contract has it) or left out (a vendor's bill that covers more than the
 * day: Alipay's and WeChat Pay's bills cover Beijing days, two of which hold a UTC day).
 */
export interface RowDay {
  readonly date: string;
  readonly skipOtherDays: boolean;
}

/** One channel's format: its encoding and, per statement, a reader fed every record in order. */
export interface NativeFormat {
  readonly encoding: 'utf-8' | 'gbk';
  /** A fresh reader for the statement of `day`; `end` throws when no header was ever seen. */
  reader(day: RowDay): { readonly record: NativeRowReader; end(): void };
}

/**
 * Reads a native statement as it streams in, yielding canonical rows.
 * @throws StatementFormatError naming the native line (and column) and the channel-day.
 */
export async function* readNative(
  format: NativeFormat,
  source: StatementSource,
  scope: StatementScope,
): AsyncGenerator<StatementLine, void, undefined> {
  if (!isDay(scope.date)) {
    throw new ReconciliationError(
      'invalid_statement_date',
      `${JSON.stringify(scope.date)} is not a yyyy-mm-dd day`,
    );
  }
  const reader = format.reader({ date: scope.date, skipOtherDays: scope.otherDays === 'skip' });
  const splitter = new CsvSplitter();
  const decoder = decoderFor(format.encoding);
  let first = true;
  const chunks = typeof source === 'string' ? [source] : source;
  const rows = function* (records: Iterable<CsvRecord>): Generator<StatementLine> {
    for (const record of records) {
      const row = reader.record(record);
      if (row !== undefined) yield row;
    }
  };
  try {
    for await (const chunk of chunks) {
      let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      yield* rows(splitter.push(text));
    }
    yield* rows(splitter.push(decoder.end()));
    yield* rows(splitter.end());
    reader.end();
  } catch (error) {
    throw error instanceof StatementFormatError ? error.of(scope) : error;
  }
}

/**
 * A streaming decoder: a character split across two chunks (up to four bytes of UTF-8, two of GBK) is
 * kept whole. UTF-8 through StringDecoder, which measured faster than TextDecoder (statement.ts); GBK
 * through TextDecoder, which Node's full ICU provides.
 */
function decoderFor(encoding: NativeFormat['encoding']): { write(bytes: Uint8Array): string; end(): string } {
  if (encoding === 'utf-8') return new StringDecoder('utf8');
  const decoder = new TextDecoder(encoding);
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/** True for a record that is a blank line. */
export const blank = (fields: readonly string[]) => fields.length === 1 && fields[0]?.trim() === '';

/**
 * The index of each wanted column in a header, by the first of its accepted names that is present.
 * @returns the indexes, `-1` for an optional column that is absent.
 * @throws StatementFormatError `invalid_header` naming the required columns that are missing.
 */
export function columnsOf<K extends string>(
  line: number,
  header: readonly string[],
  wanted: Readonly<Record<K, { readonly names: readonly string[]; readonly optional?: boolean }>>,
): Record<K, number> {
  const at = new Map(header.map((name, i) => [name, i] as const));
  const found = {} as Record<K, number>;
  const missing: string[] = [];
  for (const key of Object.keys(wanted) as K[]) {
    const { names, optional } = wanted[key];
    const i = names.map((n) => at.get(n)).find((index) => index !== undefined) ?? -1;
    if (i === -1 && !optional) missing.push(names.join(' or '));
    found[key] = i;
  }
  if (missing.length > 0) {
    throw new StatementFormatError(
      'invalid_header',
      line,
      `the header lacks the column ${missing.join(', ')}`,
    );
  }
  return found;
}

/** A record's width against its header's; the error names the first missing or extra column. */
export function checkWidth(record: CsvRecord, header: readonly string[]): void {
  if (record.fields.length === header.length) return;
  const detail = `${record.fields.length} columns where the header has ${header.length}`;
  throw new StatementFormatError('wrong_column_count', record.line, detail, header[record.fields.length]);
}

/** The name of a header's column `i` (empty for none), for errors. */
export const columnAt = (header: readonly string[], i: number): string => header[i] ?? '';

/** A native value refused, naming the native column. */
export function invalidNative(line: number, column: string, value: string, expected: string) {
  const shown = JSON.stringify(value.slice(0, 64));
  return new StatementFormatError('invalid_value', line, `${shown} is not ${expected}`, column);
}

/**
 * The canonical row of a converted native record, checked by the canonical rules; an error names the
 * native column the canonical one was read from (`columns`). `undefined` for a well-timed row of another
 * day when `day` says to leave those out (a malformed time is still refused).
 */
export function canonicalRow(
  line: number,
  row: { readonly [K in keyof StatementRow]: string },
  day: RowDay,
  columns: Readonly<Partial<Record<StatementColumn, string>>>,
): StatementLine | undefined {
  if (day.skipOtherDays) {
    const occurred = utcDayOf(row.occurredAt);
    if (occurred !== undefined && occurred !== day.date) return undefined;
  }
  const { date } = day;
  const fields = [
    row.channelReference,
    row.reference,
    row.type,
    row.amount,
    row.currency,
    row.status,
    row.fee,
    row.occurredAt,
  ];
  try {
    return rowOf({ line, fields }, date);
  } catch (error) {
    if (!(error instanceof StatementFormatError) || !error.column) throw error;
    const column = columns[error.column as StatementColumn] ?? error.column;
    throw new StatementFormatError(error.code, error.line, error.detail, column);
  }
}

/** `yyyy-mm-dd hh:mm:ss` in a fixed offset (`Z`, `+08:00`) as ISO 8601; anything else as it is. */
export function isoAt(value: string, offset: string): string {
  return value.length === 19 && value.charCodeAt(10) === 32
    ? `${value.slice(0, 10)}T${value.slice(11)}${offset}`
    : value;
}
