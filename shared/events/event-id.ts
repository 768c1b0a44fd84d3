import { createHash } from 'node:crypto';
import { base32, SLOT_LENGTH } from '../domain/base32.js';
import type { DetailType } from '../schemas/events.js';

/**
 * The id of the event of `detailType` about object `objectId`: `evt_` + the first 26 lower-case base32
 * characters of `sha256(detailType + "\n" + objectId)`.
 *
 * Deterministic on purpose: each detail-type happens at most once per object (the payment and refund
 * state machines never re-enter a state), so a republished event (a retried stream batch, a replay)
 * keeps its id and consumers deduplicate on it.
 */
export function eventIdOf(detailType: DetailType, objectId: string): string {
  const digest = createHash('sha256').update(`${detailType}\n${objectId}`, 'utf8').digest();
  return `evt_${base32(digest).slice(0, SLOT_LENGTH)}`;
}
