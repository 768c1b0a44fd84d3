/**
 * Errors of reconciliation. Codes are stable: the HTTP layer maps them to problem types (a malformed
 * statement answers 400 naming the line), logs and tests match on them.
 */
import { CodedError } from '../errors.js';
/** Why a statement was refused; each names the line (and the column where one is at fault). */
export type StatementFormatErrorCode =
  /** The statement is empty: not even the header line. */
  | 'missing_header'
  /** The first line is not `channel_reference,reference,type,amount,currency,status,fee,occurred_at`. */
  | 'invalid_header'
  /** A row has fewer or more columns than the header. */
  | 'wrong_column_count'
  /** A quote inside an unquoted field, or text after a closing quote (RFC 4180). */
  | 'invalid_quote'
  /** A quoted field still open at the end of the statement. */
  | 'unterminated_quote'
  /** A row longer than any statement row can be: refused before it could fill the memory. */
  | 'line_too_long'
  /** A value that is not of its column's type (number, enum, currency, timestamp, empty id). */
  | 'invalid_value'
  /** A row whose `occurred_at` falls on another UTC day than the statement's. */
  | 'wrong_day';

export type ReconciliationErrorCode =
  | StatementFormatErrorCode
  /** The channel-day to parse or reconcile is not a real `yyyy-mm-dd` day. */
  | 'invalid_statement_date'
  /** Two expectations of one channel-day for the same type and reference: the store keys forbid it. */
  | 'duplicate_expectation'
  /** An expectation that is not a valid outcome (amount, fee, status); our own data is corrupt. */
  | 'invalid_expectation'
  /** Counts read before the run was iterated to its end, or a run iterated twice. */
  | 'run_state';

export class ReconciliationError extends CodedError<ReconciliationErrorCode> {
  override readonly name: string = 'ReconciliationError';
}

/**
 * A statement that does not follow the contract's CSV format. `line` is 1-based and counts physical
 * lines (the header is line 1), so ops can open the file at the line the 400 names. `statement` says
 * which channel-day it was, for logs (parseStatement sets it).
 */
export class StatementFormatError extends ReconciliationError {
  override readonly name = 'StatementFormatError';
  declare readonly code: StatementFormatErrorCode;
  constructor(
    code: StatementFormatErrorCode,
    readonly line: number,
    readonly detail: string,
    readonly column?: string,
    readonly statement?: { readonly channel: string; readonly date: string },
  ) {
    super(code, `Statement line ${line}${column ? `, column ${column}` : ''}: ${detail}`);
  }

  /** The same error, naming the channel-day of the statement. */
  of(statement: { readonly channel: string; readonly date: string }): StatementFormatError {
    return new StatementFormatError(this.code, this.line, this.detail, this.column, {
      channel: statement.channel,
      date: statement.date,
    });
  }
}
