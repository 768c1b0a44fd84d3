/**
 * List cursors: opaque to clients (base64url), but plain for us: the owner, and the index position
 * of the last item examined. A cursor is validated on input: one we could not have issued, or
 * issued to another merchant, is a 400 and never reaches DynamoDB.
 */

import { InvalidCursorError } from './errors.js';

const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z#pay_[a-z2-7]{26}$/;
const SLOT = /^[a-z2-7]{26}$/;

const VERSION = 1;

/** A versioned list of fields as an opaque base64url string (every list cursor of the API). */
export function encodeOpaque(fields: readonly unknown[]): string {
  return Buffer.from(JSON.stringify([VERSION, ...fields]), 'utf8').toString('base64url');
}

/**
 * The `count` fields of a cursor made by `encodeOpaque`, unchecked beyond their number.
 * @throws InvalidCursorError when it is not one of ours.
 */
export function decodeOpaque(cursor: string, count: number): unknown[] {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor this API issued');
  }
  if (!Array.isArray(parsed) || parsed.length !== count + 1 || parsed[0] !== VERSION) {
    throw new InvalidCursorError('not a cursor this API issued');
  }
  return parsed.slice(1);
}

/**
 * A payment list's position: the sort key (`<createdAt>#<id>`) of the last payment a page examined.
 * Every shard of a payment index sorts by the same unique key, so that one key is every shard's
 * position at once: the next page reads, in each shard, what sorts strictly below it. `owner` is the
 * merchant (or `ops`) the cursor was issued to.
 */
export function encodeCursor(owner: string, sortKey: string): string {
  return encodeOpaque([owner, sortKey]);
}

/**
 * The sort key below which the next page starts. Cursors issued before the list index was sharded
 * (`[merchant, sort key, slot]`) still decode: their position is the same sort key.
 * @throws InvalidCursorError when it is malformed, tampered with, or another owner's.
 */
export function decodeCursor(cursor: string, owner: string): string {
  let fields: unknown[];
  try {
    fields = decodeOpaque(cursor, 2);
  } catch (error) {
    fields = decodeOpaque(cursor, 3);
    if (typeof fields[2] !== 'string' || !SLOT.test(fields[2])) throw error;
  }
  const [issuedTo, sortKey] = fields;
  if (typeof sortKey !== 'string' || !SORT_KEY.test(sortKey)) {
    throw new InvalidCursorError('not a cursor this API issued');
  }
  if (issuedTo !== owner) throw new InvalidCursorError('issued to another merchant');
  return sortKey;
}
