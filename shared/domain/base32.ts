/**
 * Short ids derived from digests, shared by every deterministic id: idempotency slots, event ids,
 * settlement ids. Pure, so the domain may use it and the store builds its keys on it.
 */

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** 26 base32 characters = 130 bits of the digest: collisions are out of reach, ids stay short. */
export const SLOT_LENGTH = 26;

/** RFC 4648 base32, lower case, without padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
