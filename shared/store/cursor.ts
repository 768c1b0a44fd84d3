/**
 * List cursors: opaque to clients (base64url), but plain for us: the merchant, and the GSI1 position
 * of the last payment examined. A cursor is validated on input: one we could not have issued, or
 * issued to another merchant, is a 400 and never reaches DynamoDB.
 */

import type { Item } from './dynamodb/table.js';
import { InvalidCursorError } from './errors.js';
import { keys } from './keys.js';

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

/** Encodes the index position after which the next page starts. */
export function encodeCursor(merchantId: string, gsi1sk: string, paymentPk: string): string {
  return encodeOpaque([merchantId, gsi1sk, paymentPk.slice('OBJ#'.length)]);
}

/**
 * Decodes a cursor into GSI1's `ExclusiveStartKey`.
 * @throws InvalidCursorError when it is malformed, tampered with, or another merchant's.
 */
export function decodeCursor(cursor: string, merchantId: string): Item {
  const [owner, gsi1sk, slot] = decodeOpaque(cursor, 3);
  if (typeof gsi1sk !== 'string' || !SORT_KEY.test(gsi1sk) || typeof slot !== 'string' || !SLOT.test(slot)) {
    throw new InvalidCursorError('not a cursor this API issued');
  }
  if (owner !== merchantId) throw new InvalidCursorError('issued to another merchant');
  const object = keys.object(slot);
  return {
    PK: { S: object.PK },
    SK: { S: object.SK },
    GSI1PK: { S: keys.merchantPayments(merchantId) },
    GSI1SK: { S: gsi1sk },
  };
}
