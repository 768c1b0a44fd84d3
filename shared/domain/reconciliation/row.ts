/**
 * One statement row: its columns, its type, and the checks that turn a CSV record into it. Checked by
 * hand rather than with zod: a zod parse per row costs more than splitting the whole row.
 */
import { MAX_AMOUNT } from '../money.js';
import type { CsvRecord } from './csv.js';
import { utcDayOf } from './day.js';
import { StatementFormatError } from './errors.js';

export const STATEMENT_COLUMNS = [
  'channel_reference',
  'reference',
  'type',
  'amount',
  'currency',
  'status',
  'fee',
  'occurred_at',
] as const;
export type StatementColumn = (typeof STATEMENT_COLUMNS)[number];
export const STATEMENT_HEADER = STATEMENT_COLUMNS.join(',');

/** One row of a statement: what the channel says happened to one payment or refund. */
export interface StatementRow {
  /** The channel's id of the payment or refund; never empty. */
  readonly channelReference: string;
  /** Our id (`pay_…`, `re_…`), or `null` when the channel does not know it (an empty field). */
  readonly reference: string | null;
  readonly type: 'payment' | 'refund';
  /** Positive integer minor units, at most 10^12. */
  readonly amount: number;
  /** Three upper-case letters. */
  readonly currency: string;
  readonly status: 'succeeded' | 'failed';
  /** The channel's fee, non-negative integer minor units of `currency`. */
  readonly fee: number;
  /** ISO 8601 with an offset; its UTC day is the statement's. */
  readonly occurredAt: string;
}

/** A parsed row with the 1-based physical line it starts on (the header is line 1). */
export interface StatementLine extends StatementRow {
  readonly line: number;
}

const AMOUNT = /^[1-9][0-9]{0,12}$/;
const FEE = /^(?:0|[1-9][0-9]{0,12})$/;
const CURRENCY = /^[A-Z]{3}$/;

function invalid(line: number, column: StatementColumn, value: string, expected: string) {
  const shown = JSON.stringify(value.slice(0, 64));
  return new StatementFormatError('invalid_value', line, `${shown} is not ${expected}`, column);
}

/**
 * The row a record (not the header) holds, for the statement of `date`.
 * @throws StatementFormatError naming the record's line, and the column at fault where there is one.
 */
export function rowOf({ line, fields }: CsvRecord, date: string): StatementLine {
  if (fields.length !== STATEMENT_COLUMNS.length) {
    const detail = `${fields.length} columns where the header has ${STATEMENT_COLUMNS.length}`;
    throw new StatementFormatError('wrong_column_count', line, detail, STATEMENT_COLUMNS[fields.length]);
  }
  const [channelReference, reference, type, amount, currency, status, fee, occurredAt] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (channelReference === '')
    throw invalid(line, 'channel_reference', channelReference, 'a channel reference');
  if (type !== 'payment' && type !== 'refund') throw invalid(line, 'type', type, 'payment or refund');
  if (!AMOUNT.test(amount) || Number(amount) > MAX_AMOUNT) {
    throw invalid(line, 'amount', amount, 'a positive integer of minor units up to 10^12');
  }
  if (!CURRENCY.test(currency)) throw invalid(line, 'currency', currency, 'three upper-case letters');
  if (status !== 'succeeded' && status !== 'failed')
    throw invalid(line, 'status', status, 'succeeded or failed');
  if (!FEE.test(fee) || Number(fee) > MAX_AMOUNT)
    throw invalid(line, 'fee', fee, 'a non-negative integer of minor units');
  const day = utcDayOf(occurredAt);
  if (day === undefined)
    throw invalid(line, 'occurred_at', occurredAt, 'an ISO 8601 timestamp with an offset');
  if (day !== date) {
    throw new StatementFormatError(
      'wrong_day',
      line,
      `occurred on ${day} (UTC), not on ${date}`,
      'occurred_at',
    );
  }
  return {
    line,
    channelReference,
    reference: reference === '' ? null : reference,
    type,
    amount: Number(amount),
    currency,
    status,
    fee: Number(fee),
    occurredAt,
  };
}
