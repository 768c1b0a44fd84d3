/**
 * Idempotency slots and request fingerprints (see keys.ts for why the created object is its own
 * idempotency record).
 */
import { createHash } from 'node:crypto';
import { base32, SLOT_LENGTH } from '../domain/base32.js';

/**
 * The slot of an Idempotency-Key: `base32(sha256(merchantId + "\n" + key))` truncated to 26
 * characters. Scoped per merchant: two merchants using the same key never meet.
 */
export function idempotencySlot(merchantId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${merchantId}\n${idempotencyKey}`, 'utf8').digest();
  return base32(digest).slice(0, SLOT_LENGTH);
}

/**
 * JSON with object keys sorted at every depth, so two bodies that differ only in key order or
 * whitespace have the same fingerprint. `undefined` members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Fingerprint of a request: SHA-256 over method, path and canonical body, base64url (43 characters,
 * shorter than hex: it is stored on every payment item).
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${path}\n${canonicalJson(body)}`, 'utf8')
    .digest('base64url');
}
