import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STATEMENT_HEADER, StatementFormatError } from '../../../../../shared/domain/reconciliation/index.js';
import {
  hasNativeStatement,
  parseNativeStatement,
  readStatement,
} from '../../../../../shared/domain/reconciliation/native/index.js';
import type {
  StatementLine,
  StatementSource,
} from '../../../../../shared/domain/reconciliation/statement.js';
import { STRIPE_HEADER } from '../../../../bench/native-statements.js';
import { DATE } from './support.js';

const CANONICAL = `${STATEMENT_HEADER}\r\npi_1,pay_1,payment,1050,USD,succeeded,60,2026-03-01T10:07:00Z\r\n`;
const STRIPE = `${STRIPE_HEADER}\ntxn_1,2026-03-01 10:07:00,usd,10.50,0.60,9.90,charge,ch_1,pi_1,Payment,pay_1,\n`;

async function read(channel: string, source: StatementSource): Promise<Omit<StatementLine, 'line'>[]> {
  const rows: Omit<StatementLine, 'line'>[] = [];
  for await (const { line: _, ...row } of readStatement(source, { channel, date: DATE })) rows.push(row);
  return rows;
}

/** `text` as a stream of one-byte chunks that records whether it was read to its end or released. */
function tracked(text: string) {
  const state = { finished: false, released: false };
  const bytes = new TextEncoder().encode(text);
  async function* chunks() {
    try {
      for (const b of bytes) yield Uint8Array.of(b);
      state.finished = true;
    } finally {
      if (!state.finished) state.released = true;
    }
  }
  return { state, source: chunks() };
}

describe('reading a statement in either format', () => {
  it('takes the canonical CSV or the native statement of a channel with one, and gives the same rows', async () => {
    // Act
    const canonical = await read('stripe', CANONICAL);
    const native = await read('stripe', STRIPE);
    // Assess
    assert.deepEqual(native, canonical);
    assert.equal(native.length, 1);
  });

  it('tells them apart from a stream cut byte by byte, with a BOM before the canonical header', async () => {
    const { state, source } = tracked(`\uFEFF${CANONICAL}`);
    assert.equal((await read('alipay', source)).length, 1);
    assert.equal(state.finished, true);
    assert.equal((await read('stripe', tracked(STRIPE).source)).length, 1);
  });

  it('reads a canonical header with a mistake as the canonical CSV, whose header it then names', async () => {
    const mistyped = CANONICAL.replace('occurred_at', 'occured_at');
    await assert.rejects(
      read('wechatpay', mistyped),
      (e) =>
        e instanceof StatementFormatError &&
        e.code === 'invalid_header' &&
        e.message.includes(STATEMENT_HEADER),
    );
  });

  it('holds any other channel to the canonical CSV', async () => {
    assert.equal(hasNativeStatement('sandbox'), false);
    await assert.rejects(
      read('sandbox', STRIPE),
      (e) => e instanceof StatementFormatError && e.code === 'invalid_header',
    );
    assert.throws(() => parseNativeStatement('sandbox', '', { channel: 'sandbox', date: DATE }));
  });

  it('releases the source when a row is refused before its end', async () => {
    // Prepare
    const bad = STRIPE.replace('10.50', '10.5x');
    const { state, source } = tracked(`${bad}${STRIPE.split('\n')[1]}\n`.repeat(3));
    // Act
    await assert.rejects(read('stripe', source), (e) => e instanceof StatementFormatError && e.line === 2);
    // Assess
    assert.deepEqual(state, { finished: false, released: true });
  });
});
