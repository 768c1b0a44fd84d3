/**
 * Compact stored forms of the payment's routing decision and submission attempts, so that a typical
 * payment item stays within 1 KB on every write of its lifecycle (DynamoDB bills a write per started KB
 * of the item: over 1 KB, the capture costs 2 write units instead of 1; docs/architecture.md, "Payment
 * item size"). Both read back to exactly what the API answered before (test/unit/store/payment-codec.test.ts).
 *
 * - `rt` (list): [strategy code + candidates, reason, rule?]. `chosen` is the first candidate (or null).
 *   The reason is stored without what the other fields say (`rule "x", priority: stripe, `), and its
 *   fixed phrases as one control character each: ~40 bytes instead of ~190 for the `routing` map. A
 *   decision that does not fit the form (a reason with control characters, a chosen channel that is not
 *   the first candidate) is stored as the `routing` map, as before; items written before keep theirs.
 * - an attempt (string): `<channel> <outcome index><epoch ms>`, ~22 bytes instead of ~60 for the map.
 */
import type { Channel } from '../schemas/channels.js';
import type { RoutingAttempt } from '../schemas/payment.js';
import type { StoredRouting } from './items.js';

/**
 * Never change or reorder an entry of these lists: stored items name them by position. Append only.
 * The phrases are the fixed parts of decideRoute's reasons (domain/routing/decide.ts, health.ts).
 */
const PHRASES = [
  'first healthy in order',
  '; skipped ',
  ' (does not take the currency)',
  ' (daily quota reached)',
  ' (breaker open)',
  ' (half-open, probe taken)',
  'no healthy channel',
];
const STRATEGIES: StoredRouting['strategy'][] = [
  'priority',
  'volume_split',
  'lowest_fee',
  'success_rate',
  'pinned',
];
type StoredOutcome = Exclude<RoutingAttempt['outcome'], 'pending'>;
const OUTCOMES: StoredOutcome[] = ['unavailable', 'declined', 'succeeded', 'failed'];
/** Marks a reason stored whole (it does not start with what the other fields say). */
const WHOLE = '\u001f';

/** A character below U+0020: the codes and the marker, never part of a stored reason as written. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 32) return true;
  return false;
}

/** Phrase i ↔ the character i + 1. */
const compress = (text: string) =>
  PHRASES.reduce((s, phrase, i) => s.split(phrase).join(String.fromCharCode(i + 1)), text);
const expand = (text: string) =>
  PHRASES.reduce((s, phrase, i) => s.split(String.fromCharCode(i + 1)).join(phrase), text);

/** What the reason says first, known from the other fields (domain/routing/decide.ts). */
function reasonPrefix(strategy: string, rule: string | null, chosen: string | null): string {
  if (strategy === 'pinned') return chosen ? `pinned to ${chosen} by the payment; no failover` : '';
  return `${rule === null ? 'default' : `rule "${rule}"`}, ${strategy}: ${chosen ? `${chosen}, ` : ''}`;
}

/** The compact form of a decision, or `undefined` when it must be stored as the map. */
export function encodeRouting(routing: StoredRouting): string[] | undefined {
  const { strategy, rule, candidates, chosen, reason } = routing;
  const code = STRATEGIES.indexOf(strategy);
  if (code < 0 || chosen !== (candidates[0] ?? null) || hasControlCharacter(reason)) return undefined;
  const prefix = reasonPrefix(strategy, rule, chosen);
  const stored = reason.startsWith(prefix) ? compress(reason.slice(prefix.length)) : WHOLE + compress(reason);
  return [`${code}${candidates.join(' ')}`, stored, ...(rule === null ? [] : [rule])];
}

export function decodeRouting(rt: readonly string[]): StoredRouting {
  const [head = '', stored = '', rule = null] = rt;
  const strategy = STRATEGIES[Number(head[0])] ?? 'pinned';
  const candidates = head.slice(1).split(' ').filter(Boolean) as Channel[];
  const chosen = candidates[0] ?? null;
  const reason = stored.startsWith(WHOLE)
    ? expand(stored.slice(1))
    : reasonPrefix(strategy, rule, chosen) + expand(stored);
  return { strategy, rule, candidates, chosen, reason };
}

/** One finished submission as stored: `stripe 01772359209123` (outcome code, epoch ms). */
export function encodeAttempt(channel: string, outcome: StoredOutcome, at: Date): string {
  return `${channel} ${OUTCOMES.indexOf(outcome)}${at.getTime()}`;
}

/** A stored attempt, compact or a map (items written before the compact form). */
export function decodeAttempt(stored: unknown): { channel: Channel; outcome: StoredOutcome; at: string } {
  if (typeof stored !== 'string') {
    const { channel, outcome, at } = stored as { channel: Channel; outcome: StoredOutcome; at: string };
    return { channel, outcome, at };
  }
  const [channel = '', rest = ''] = stored.split(' ');
  return {
    channel: channel as Channel,
    outcome: OUTCOMES[Number(rest[0])] ?? 'failed',
    at: new Date(Number(rest.slice(1))).toISOString(),
  };
}
