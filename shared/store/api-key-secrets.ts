/**
 * Secrets of merchant API keys. `sk_` + 32 random bytes (256 bits, base64url): unguessable, so a SHA-256
 * digest without salt or stretching is enough to store them (stretching protects low-entropy passwords).
 *
 * The secret is shown once, yet an Idempotency-Key retry must replay the first answer, secret included
 * (contract: Idempotency). The table never holds it in the clear: the request record keeps it sealed
 * (AES-256-GCM) under a key derived (HKDF-SHA256) from the Idempotency-Key itself, which only the caller
 * knows and the table stores only as a hash-derived slot; and that record expires (TTL) after
 * {@link REPLAY_RECORD_TTL_SECONDS}. The key item itself holds the digest and the last 4 characters only.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export const API_KEY_SECRET_PREFIX = 'sk_';
export const API_KEY_ID_PREFIX = 'key_';
/** The contract keeps Idempotency-Keys at least 24 h; the sealed secret goes with its record after 48 h. */
export const REPLAY_RECORD_TTL_SECONDS = 48 * 3600;

export function generateApiKeySecret(): string {
  return `${API_KEY_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function last4(secret: string): string {
  return secret.slice(-4);
}

function sealingKey(idempotencyKey: string, slot: string): Buffer {
  return Buffer.from(hkdfSync('sha256', idempotencyKey, slot, 'api-key-replay', 32));
}

/** `iv.ciphertext.tag`, base64url. */
export function sealSecret(secret: string, idempotencyKey: string, slot: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(idempotencyKey, slot), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

/** @throws when the sealed value was not made with this Idempotency-Key. */
export function openSecret(sealed: string, idempotencyKey: string, slot: string): string {
  const [iv, body, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !body || !tag) throw new Error('malformed sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(idempotencyKey, slot), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}
