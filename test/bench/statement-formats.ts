/**
 * The statement format of each channel the reconciliation bench runs on, and what a generated row of it
 * may be: the sandbox serves the canonical CSV; Stripe, Alipay and WeChat Pay their own statements
 * (native-statements.ts). A native statement cannot say every outcome (Alipay lists succeeded business
 * only, Stripe has no balance transaction for a failed payment), and the China channels are CNY.
 */
import { type StatementRow, statementCsvLines } from '../../shared/domain/reconciliation/index.js';
import { alipayBillLines, gbk, stripeStatementLines, wechatpayBillLines } from './native-statements.js';

export interface BenchFormat {
  readonly currencies: readonly string[];
  /** Whether the statement can list a failed outcome of this type. */
  readonly canFail: (type: StatementRow['type']) => boolean;
  /** The statement's lines, lazily. */
  readonly lines: (rows: Iterable<StatementRow>, date: string) => Iterable<string>;
  /** The bytes of a run of lines as the channel serves them. */
  readonly encode: (text: string) => string | Uint8Array;
}

const asText = (text: string) => text;

export const BENCH_FORMATS = {
  sandbox: {
    currencies: ['USD', 'EUR', 'GBP', 'JPY'],
    canFail: () => true,
    lines: (rows) => statementCsvLines(rows),
    encode: asText,
  },
  stripe: {
    currencies: ['USD', 'EUR', 'GBP', 'JPY'],
    canFail: (type) => type === 'refund',
    lines: (rows) => stripeStatementLines(rows),
    encode: asText,
  },
  alipay: {
    currencies: ['CNY'],
    canFail: () => false,
    lines: (rows, date) => alipayBillLines(rows, date),
    encode: gbk,
  },
  wechatpay: {
    currencies: ['CNY'],
    canFail: () => true,
    lines: (rows) => wechatpayBillLines(rows),
    encode: asText,
  },
} as const satisfies Record<string, BenchFormat>;

export type BenchChannel = keyof typeof BENCH_FORMATS;
export const BENCH_CHANNELS = Object.keys(BENCH_FORMATS) as BenchChannel[];
