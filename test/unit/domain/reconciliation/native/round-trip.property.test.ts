import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { StatementRow } from '../../../../../shared/domain/reconciliation/index.js';
import { minorUnits } from '../../../../../shared/domain/reconciliation/native/index.js';
import {
  alipayBillLines,
  decimal,
  gbk,
  stripeStatementLines,
  wechatpayBillLines,
} from '../../../../bench/native-statements.js';
import { DATE, rowsOf } from './support.js';

const DAY_START = Date.parse(`${DATE}T00:00:00Z`);
const id = fc.stringMatching(/^[A-Za-z0-9_]{1,24}$/);
/** A whole second of the statement's UTC day, as the channel's converter writes it back. */
const instant = fc.integer({ min: 0, max: 86_399 }).map((s) => DAY_START + s * 1000);
const utc = (t: number) => `${new Date(t).toISOString().slice(0, 19)}Z`;
const beijing = (t: number) => `${new Date(t + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;

/** A canonical row that a channel's statement can say, with the time as that channel's reader gives it. */
function rowOf(options: {
  currencies: readonly string[];
  kinds: readonly (readonly [StatementRow['type'], StatementRow['status']])[];
  time: (t: number) => string;
}): fc.Arbitrary<StatementRow> {
  return fc
    .record({
      channelReference: id,
      reference: fc.option(id, { nil: null }),
      kind: fc.constantFrom(...options.kinds),
      amount: fc.integer({ min: 1, max: 1_000_000_000_000 }),
      currency: fc.constantFrom(...options.currencies),
      fee: fc.integer({ min: 0, max: 1_000_000 }),
      at: instant,
    })
    .map(({ kind: [type, status], at, ...r }) => ({ ...r, type, status, occurredAt: options.time(at) }));
}

const withoutLines = (rows: readonly { line: number }[]) => rows.map(({ line: _, ...row }) => row);

/** `bytes` cut at each of `offsets` (any order, repeats allowed): chunks of every size, empty ones too. */
function cut(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const at = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
}
const offsets = fc.array(fc.nat(), { maxLength: 12 });
const text = (lines: Iterable<string>) => [...lines].join('');

describe('native statements round-trip', () => {
  it('reads back every decimal amount written from minor units, in every exponent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom('USD', 'JPY', 'KWD', 'CLF'),
        (n, c) => {
          assert.equal(minorUnits(decimal(n, c), c), n);
        },
      ),
    );
  });

  it('Stripe: canonical → balance-transaction CSV, cut anywhere → canonical gives the rows back', async () => {
    const row = rowOf({
      currencies: ['USD', 'EUR', 'JPY', 'KWD'],
      kinds: [
        ['payment', 'succeeded'],
        ['refund', 'succeeded'],
        ['refund', 'failed'],
      ],
      time: utc,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 20 }), offsets, async (rows, at) => {
        const bytes = new TextEncoder().encode(text(stripeStatementLines(rows)));
        assert.deepEqual(withoutLines(await rowsOf('stripe', cut(bytes, at))), rows);
      }),
    );
  });

  it('Alipay: canonical → GBK trade bill, cut anywhere → canonical gives the rows back', async () => {
    const row = rowOf({
      currencies: ['CNY'],
      kinds: [
        ['payment', 'succeeded'],
        ['refund', 'succeeded'],
      ],
      time: beijing,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 20 }), offsets, async (rows, at) => {
        const bytes = gbk(text(alipayBillLines(rows, DATE)));
        assert.deepEqual(withoutLines(await rowsOf('alipay', cut(bytes, at))), rows);
      }),
    );
  });

  it('WeChat Pay: canonical → trade bill, cut anywhere → canonical gives the rows back', async () => {
    const row = rowOf({
      currencies: ['CNY'],
      kinds: [
        ['payment', 'succeeded'],
        ['payment', 'failed'],
        ['refund', 'succeeded'],
        ['refund', 'failed'],
      ],
      time: beijing,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 20 }), offsets, async (rows, at) => {
        const bytes = new TextEncoder().encode(text(wechatpayBillLines(rows)));
        assert.deepEqual(withoutLines(await rowsOf('wechatpay', cut(bytes, at))), rows);
      }),
    );
  });
});
