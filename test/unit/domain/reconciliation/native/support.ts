/** What the native statement tests share: reading a source to its rows, and the error it is refused with. */
import assert from 'node:assert/strict';
import { StatementFormatError } from '../../../../../shared/domain/reconciliation/errors.js';
import { parseNativeStatement } from '../../../../../shared/domain/reconciliation/native/index.js';
import type {
  StatementLine,
  StatementSource,
} from '../../../../../shared/domain/reconciliation/statement.js';

export const DATE = '2026-03-01';

export async function rowsOf(
  channel: string,
  source: StatementSource,
  date = DATE,
): Promise<StatementLine[]> {
  const rows: StatementLine[] = [];
  for await (const row of parseNativeStatement(channel, source, { channel, date })) rows.push(row);
  return rows;
}

/** The error a statement is refused with; fails the test if it converts. */
export async function refusal(channel: string, source: StatementSource): Promise<StatementFormatError> {
  try {
    await rowsOf(channel, source);
  } catch (error) {
    assert.ok(error instanceof StatementFormatError, String(error));
    return error;
  }
  assert.fail('the statement converted');
}

/** Every way of cutting `bytes` in two, at each byte offset: a streaming reader must not care. */
export function* cutsOf(bytes: Uint8Array): Generator<Uint8Array[]> {
  for (let at = 0; at <= bytes.length; at += 1) yield [bytes.subarray(0, at), bytes.subarray(at)];
}
