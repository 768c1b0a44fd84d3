/**
 * Channels' own statements converted to canonical rows (contract "Payment channels": Stripe's
 * balance-transaction CSV, Alipay's GBK trade bill, WeChat Pay's backtick-prefixed trade bill), as a
 * stream, each format in its module. `readStatement` is what the upload route and a run call: for a
 * channel with a native format it takes either that format or the canonical CSV (told apart by the
 * first line), for any other channel the canonical CSV alone.
 */
import {
  parseStatement,
  STATEMENT_HEADER,
  type StatementLine,
  type StatementScope,
  type StatementSource,
} from '../statement.js';
import { alipayFormat } from './alipay.js';
import { stripeFormat } from './stripe.js';
import type { NativeFormat } from './table.js';
import { readNative } from './table.js';
import { wechatpayFormat } from './wechatpay.js';

export { minorUnits } from './amount.js';

const FORMATS: Readonly<Record<string, NativeFormat>> = {
  stripe: stripeFormat,
  alipay: alipayFormat,
  wechatpay: wechatpayFormat,
};

/** The channels whose statement comes in their own format. */
export const NATIVE_STATEMENT_CHANNELS = Object.keys(FORMATS) as readonly string[];

/** True when `channel` has a native statement format. */
export const hasNativeStatement = (channel: string): boolean => Object.hasOwn(FORMATS, channel);

/**
 * Converts `channel`'s native statement to canonical rows as it streams in.
 * @throws ReconciliationError `invalid_statement_date`, or StatementFormatError naming the native line
 *   and column; a channel without a native format is an Error (a programming mistake).
 */
export function parseNativeStatement(
  channel: string,
  source: StatementSource,
  scope: StatementScope,
): AsyncGenerator<StatementLine, void, undefined> {
  const format = FORMATS[channel];
  if (!format) throw new Error(`channel ${channel} has no native statement format`);
  return readNative(format, source, scope);
}

type Chunk = string | Uint8Array;

function iteratorOf(source: StatementSource): AsyncIterator<Chunk> | Iterator<Chunk> {
  if (typeof source === 'string') return [source][Symbol.iterator]();
  if (Symbol.asyncIterator in source) return (source as AsyncIterable<Chunk>)[Symbol.asyncIterator]();
  return (source as Iterable<Chunk>)[Symbol.iterator]();
}

/** Longest first line looked at to tell the canonical header from a native one. */
const SNIFF_LIMIT = 64 * 1024;
/**
 * A first line that starts like the canonical header is read as the canonical CSV, so a canonical
 * statement with a mistyped header is told what its header must be, not what a channel's must be.
 */
const CANONICAL_FIRST_LINE = new RegExp(
  `^(?:\\uFEFF|\\u00EF\\u00BB\\u00BF)?${STATEMENT_HEADER.split(',')[0]},`,
);

/**
 * A channel-day's statement as canonical rows, whichever of its formats it is in: the canonical CSV
 * (every channel), or the channel's native statement. The first line decides; the chunks read to see
 * it are replayed, so the source is still read once, as a stream.
 */
export async function* readStatement(
  source: StatementSource,
  scope: StatementScope,
): AsyncGenerator<StatementLine, void, undefined> {
  if (!hasNativeStatement(scope.channel)) {
    yield* parseStatement(source, scope);
    return;
  }
  const iterator = iteratorOf(source);
  const head: Chunk[] = [];
  // The header is ASCII: latin1 shows its bytes one character each, whatever the file's encoding.
  let seen = '';
  let done = false;
  while (!seen.includes('\n') && seen.length < SNIFF_LIMIT) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    seen += typeof next.value === 'string' ? next.value : Buffer.from(next.value).toString('latin1');
  }
  const replay = async function* () {
    try {
      yield* head;
      for (;;) {
        if (done) return;
        const next = await iterator.next();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // Stopping early (a refused row) releases the source: an S3 body's connection, a channel's fetch.
      if (!done) await iterator.return?.();
    }
  };
  const firstLine = seen.split('\n', 1)[0] ?? '';
  yield* CANONICAL_FIRST_LINE.test(firstLine)
    ? parseStatement(replay(), scope)
    : parseNativeStatement(scope.channel, replay(), scope);
}
