/**
 * The sandbox PSP's daily statement as its CSV (contract "Reconciliation (ops)"): a header, then one
 * CRLF-terminated line per row (RFC 4180); a field is quoted only when it holds a comma, a quote or a
 * line break.
 */

/** One row of a statement: what the PSP says happened to one payment or refund. */
export interface StatementRow {
  readonly channelReference: string;
  /** The merchant platform's id (`pay_…`, `re_…`), or `null` when the PSP does not know it. */
  readonly reference: string | null;
  readonly type: 'payment' | 'refund';
  /** Positive integer minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly status: 'succeeded' | 'failed';
  /** Non-negative integer minor units of `currency`. */
  readonly fee: number;
  /** ISO 8601 with an offset; its UTC day is the statement's. */
  readonly occurredAt: string;
}

/** The largest amount (and fee) a row may carry, in minor units: 10^12. */
export const MAX_AMOUNT = 1_000_000_000_000;

const HEADER = 'channel_reference,reference,type,amount,currency,status,fee,occurred_at';
const NEEDS_QUOTES = /[",\r\n]/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function field(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function line(row: StatementRow): string {
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

/** The header and each row as CRLF-terminated lines, lazily (a statement of any size streams). */
export function* statementCsvLines(rows: Iterable<StatementRow>): Generator<string, void, undefined> {
  yield `${HEADER}\r\n`;
  for (const row of rows) yield `${line(row)}\r\n`;
}

/** True when `date` is a real calendar day written `yyyy-mm-dd`. */
export function isDay(date: string): boolean {
  const m = DAY.exec(date);
  if (!m) return false;
  const t = new Date(0);
  t.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return t.toISOString().slice(0, 10) === date;
}

/** The UTC day of an ISO 8601 timestamp with an offset, or `undefined` when it is not one. */
export function utcDayOf(ts: string): string | undefined {
  if (!TIMESTAMP.test(ts) || !isDay(ts.slice(0, 10))) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 10);
}
