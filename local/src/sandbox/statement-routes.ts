/**
 * The sandbox PSP's statement routes (see statements.ts for what a day's statement holds):
 * - `GET /statements/<yyyy-mm-dd>.csv`: the day's statement in the contract's CSV, streamed;
 * - `POST /statements/<yyyy-mm-dd>/discrepancies`: adds injections (body: `Injections`), answers all
 *   of the day's; 400 on a body that does not validate, 422 when it names a reference not recorded
 *   that day (then nothing is injected);
 * - `GET` the day's injections, `DELETE` them (204).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as z from 'zod/mini';
import { fieldErrors, json, MAX_BODY_BYTES, readJson, tooLarge } from './http.js';
import { isDay, MAX_AMOUNT, statementCsvLines, utcDayOf } from './statement-csv.js';
import type { StatementBook } from './statements.js';

const MAX_ENTRIES = 10_000;
/** Each `write` is one HTTP chunk: lines are gathered up to this many characters first. */
const CHUNK_CHARS = 16 * 1024;

const reference = z.string().check(z.minLength(1), z.maxLength(255));
const references = z.optional(z.array(reference).check(z.maxLength(MAX_ENTRIES)));
const currency = z.string().check(z.regex(/^[A-Z]{3}$/, { error: 'must be three upper-case letters' }));
const status = z.enum(['succeeded', 'failed']);
const amountSchema = z
  .number({ error: 'must be an integer number of minor units' })
  .check(
    z.int({ error: 'must be an integer number of minor units' }),
    z.positive({ error: 'must be positive' }),
    z.maximum(MAX_AMOUNT, { error: `must be at most ${MAX_AMOUNT}` }),
  );
const fee = z.number().check(z.int(), z.nonnegative(), z.maximum(MAX_AMOUNT));

const rowSchema = z.strictObject({
  channelReference: reference,
  reference: z.nullable(reference),
  type: z.enum(['payment', 'refund']),
  amount: amountSchema,
  currency,
  status,
  fee,
  occurredAt: z.iso.datetime({ offset: true }),
});

const alterSchema = z.strictObject({
  reference,
  amount: z.optional(amountSchema),
  currency: z.optional(currency),
  status: z.optional(status),
  fee: z.optional(fee),
});

const injectionsSchema = z.strictObject({
  drop: references,
  alter: z.optional(z.array(alterSchema).check(z.maxLength(MAX_ENTRIES))),
  duplicate: references,
  add: z.optional(z.array(rowSchema).check(z.maxLength(MAX_ENTRIES))),
  blankReference: references,
});

const ROUTE = /^\/statements\/([^/]+?)(\.csv|\/discrepancies)$/;

/** Answers a `/statements/…` request; false when `path` is not one of these routes. */
export async function handleStatementRoute(
  book: StatementBook,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const match = ROUTE.exec(path);
  if (!match) return false;
  const [, date = '', what] = match;
  if (!isDay(date)) return json(res, 400, { error: `${date} is not a yyyy-mm-dd day` });
  if (what === '.csv') {
    if (req.method !== 'GET') return json(res, 405, { error: 'method not allowed' });
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    // A client that goes away mid-statement is not an error of ours.
    await pipeline(Readable.from(gathered(statementCsvLines(book.rows(date)))), res).catch(() => {});
    return true;
  }
  if (req.method === 'GET') return json(res, 200, book.injected(date));
  if (req.method === 'DELETE') {
    book.clear(date);
    res.writeHead(204).end();
    return true;
  }
  if (req.method !== 'POST') return json(res, 405, { error: 'method not allowed' });
  const body = await readJson(req);
  if (body === undefined) return json(res, 400, { error: 'body is not JSON' });
  if (body === tooLarge) return json(res, 413, { error: `body is larger than ${MAX_BODY_BYTES} bytes` });
  const parsed = z.safeParse(injectionsSchema, body);
  if (!parsed.success) {
    return json(res, 400, { error: 'invalid discrepancies', errors: fieldErrors(parsed.error) });
  }
  const otherDay = (parsed.data.add ?? []).flatMap((row, i) =>
    utcDayOf(row.occurredAt) === date
      ? []
      : [{ path: `add[${i}].occurredAt`, message: `is not on ${date} (UTC)` }],
  );
  if (otherDay.length > 0) return json(res, 400, { error: 'invalid discrepancies', errors: otherDay });
  const { unknown } = book.inject(date, parsed.data);
  if (unknown.length > 0) {
    return json(res, 422, { error: `references not recorded on ${date}`, references: unknown });
  }
  return json(res, 200, book.injected(date));
}

function* gathered(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
