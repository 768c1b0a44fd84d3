/**
 * Where a channel-day's statement comes from: the one ops uploaded (an S3 object, which replaces the
 * channel's), else the channel's own, fetched through its adapter. Either is read as a stream as often
 * as the run reads it; a channel that answers "no such statement" (a non-retryable fetch error) makes the
 * run fail with the reason, a channel that is down makes it retry (the error propagates).
 *
 * A channel whose statement day is not the UTC day (Alipay and WeChat Pay bill by Beijing day) is read
 * from each vendor day's file that overlaps the UTC day, keeping that day's rows only (statement-days.ts).
 * An upload is the statement of the UTC day itself: a row of another day is refused, as the contract says.
 *
 * A channel with a native statement format (Stripe, Alipay, WeChat Pay) serves that format, and ops may
 * upload either it or the canonical CSV: the object is stored as uploaded, and `readStatement` converts
 * it as a run reads it.
 */
import type { S3Objects } from '../aws/s3-objects.js';
import { StatementFetchError } from '../channels/errors.js';
import { statementDaysOf } from '../channels/statement-days.js';
import type { ChannelStatements } from '../channels/types.js';
import { hasNativeStatement, readStatement } from '../domain/reconciliation/native/index.js';
import type { StatementScope } from '../domain/reconciliation/statement.js';
import { CHANNELS, type Channel } from '../schemas/channels.js';
import { type StatementHandle, StatementUnavailableError } from './run.js';

/** The S3 key of a channel-day's uploaded statement. */
export function statementKey(channel: string, date: string): string {
  return `statements/${channel}/${date}.csv`;
}

export interface StatementSources {
  readonly objects: Pick<S3Objects, 'getObject' | 'headObject'>;
  readonly bucket: string;
  readonly channels: Readonly<Record<string, Pick<ChannelStatements, 'fetchStatement'>>>;
}

/** The statement finder a run uses (ReconciliationDeps.statement). */
export function statementFinder(sources: StatementSources) {
  return async (channel: string, date: string): Promise<StatementHandle> => {
    const key = statementKey(channel, date);
    if (await sources.objects.headObject(sources.bucket, key)) {
      return {
        source: 'upload',
        async *rows() {
          const body = await sources.objects.getObject(sources.bucket, key);
          if (!body)
            throw new StatementUnavailableError(`the uploaded ${channel} statement of ${date} is gone`);
          yield* readStatement(body, { channel, date });
        },
      };
    }
    const adapter = sources.channels[channel];
    if (!adapter) throw new StatementUnavailableError(`no statement source for channel ${channel}`);
    const days = isChannel(channel) ? statementDaysOf(channel, date) : [date];
    // Files of vendor days other than the UTC day hold rows of other days, which are left out.
    const otherDays = days.length === 1 && days[0] === date ? 'refuse' : 'skip';
    return {
      source: 'channel',
      async *rows() {
        for (const day of days)
          yield* readStatement(unavailableWhenFinal(adapter.fetchStatement(day)), {
            channel,
            date,
            otherDays,
          });
      },
    };
  };
}

const isChannel = (name: string): name is Channel => (CHANNELS as readonly string[]).includes(name);

/** Turns a channel's definite refusal into StatementUnavailableError; transient ones stay retryable. */
async function* unavailableWhenFinal(chunks: AsyncIterable<Uint8Array | string>) {
  try {
    yield* chunks;
  } catch (error) {
    if (error instanceof StatementFetchError && !error.retryable) {
      throw new StatementUnavailableError(error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * The media types an uploaded statement of `channel` may come as: `text/csv`, and for a channel with a
 * native format also what its own files come as (`text/plain`, `application/octet-stream`). A GBK
 * Alipay bill must come as `application/octet-stream`: API Gateway hands a `text/*` body to the function
 * as UTF-8 text, which its GBK bytes are not.
 */
export function statementMediaTypes(channel: string): readonly string[] {
  return hasNativeStatement(channel) ? ['text/csv', 'text/plain', 'application/octet-stream'] : ['text/csv'];
}

/**
 * Reads a whole uploaded statement, in the canonical CSV or the channel's native format, to count its
 * rows. @throws StatementFormatError at the first malformed line.
 */
export async function countStatementRows(body: Uint8Array, scope: StatementScope): Promise<number> {
  let rows = 0;
  for await (const _row of readStatement([body], scope)) rows += 1;
  return rows;
}
