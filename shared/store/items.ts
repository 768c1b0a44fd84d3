/**
 * Item shapes of the payments table and their mapping to the contract's objects. Absent optional
 * values are not stored (a `null` costs bytes on every item); they are restored as `null` on read.
 */
import type { PaymentStatus } from '../domain/payment.js';
import type { RefundStatus } from '../domain/refund.js';
import type { Channel } from '../schemas/channels.js';
import type { Payment, PaymentRouting, RoutingAttempt } from '../schemas/payment.js';
import type { Refund } from '../schemas/refund.js';
import { fromStoredPairs, type StoredPairs } from './client-map.js';
import { CorruptItemError, ObjectNotFoundError } from './errors.js';
import { decodeAttempt, decodeRouting } from './payment-codec.js';

export const PAYMENT_ID_PREFIX = 'pay_';
export const REFUND_ID_PREFIX = 're_';
const SLOT_ID = /^(pay|re)_([a-z2-7]{26})$/;

/** The routing decision as stored on the payment (written once, at create). */
export type StoredRouting = Omit<PaymentRouting, 'attempts'>;

/** A finished submission as stored (`pending` is never stored: it is derived while processing). */
export interface StoredAttempt {
  channel: Channel;
  outcome: Exclude<RoutingAttempt['outcome'], 'pending'>;
  at: string;
}

export interface PaymentItem {
  PK: string;
  SK: string;
  entity: 'payment';
  id: string;
  merchantId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  /**
   * The channel the payment is at now (the chosen one, then each failover's). Not stored on a payment
   * that failed at create with no healthy candidate (`routing.chosen` null): typed as present because no
   * path that needs a channel ever meets such an item (the dispatcher's stream filter takes processing
   * payments only, callbacks find no channel outcome to apply, refunds need a succeeded payment); the
   * readers here (`paymentFromItem`) treat it as absent.
   */
  channel: Channel;
  channelReference?: string;
  /** The routing decision, compact (payment-codec.ts); absent where `routing` holds it. */
  rt?: string[];
  /** The decision as a map: what `rt` cannot hold, and items written before it. Both absent on payments
   * created before routing (read as pinned to `channel`). */
  routing?: StoredRouting;
  /**
   * The candidates whose daily quota counts this payment while it is at them (set at create when a
   * failover could move the count, route-payment.ts): the count moves with each failover.
   */
  quotaChannels?: string[];
  /**
   * Finished submissions but the capture's (compact strings, payment-codec.ts; maps in older items). Top
   * level, so `list_append(if_not_exists(attempts, :empty), :a)` also works on older items.
   */
  attempts?: (StoredAttempt | string)[];
  /** With `status: failed`: `declined`, `channel_unavailable`. */
  failureCode?: string;
  amountRefunded: number;
  /** amount − amountRefunded, kept so a refund is guarded by one comparison. */
  refundableRemaining: number;
  description?: string;
  customer?: NonNullable<Payment['customer']>;
  /** The client's metadata as pairs (client-map.ts): any key name is stored and read back exactly. */
  md?: StoredPairs;
  /** The pairs under their former, longer name (items written before `md`; read only). */
  metadataPairs?: StoredPairs;
  /**
   * Metadata as a DynamoDB map, in items written before `metadataPairs` (read only, through
   * `metadataOf`; `unknown` so that no code reads it directly and misses the pairs).
   */
  metadata?: unknown;
  risk?: Payment['risk'];
  createdAt: string;
  updatedAt: string;
  /**
   * The Idempotency-Key as sent, in items written before it was left out (the slot, hence the id, is
   * derived from it: a key still finds its payment; read by no code).
   */
  idempotencyKey?: string;
  /** The request fingerprint's first {@link STORED_FINGERPRINT_CHARS} characters. */
  rf?: string;
  /** The whole fingerprint, in items written before `rf` (read only). */
  requestFingerprint?: string;
  lastChannelEventId?: string;
  GSI1PK: string;
  GSI1SK: string;
  /** The list of all payments (ops search); absent on payments stored before it existed. */
  GSI4PK?: string;
  /** The outcome record (keys.ts): set at create, and by the write that applies the outcome. */
  GSI2PK?: string;
  GSI2SK?: string;
  GSI3PK?: string;
  GSI3SK?: string;
  /** When the channel reports the outcome happened (ISO 8601). */
  outcomeAt?: string;
}

export interface RefundItem {
  PK: string;
  SK: string;
  entity: 'refund';
  id: string;
  paymentId: string;
  merchantId: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason?: string;
  channel: Channel;
  /** The payment's amount (WeChat Pay refunds state it), copied so the dispatcher needs no read. */
  paymentAmount?: number;
  /** The channel's id of the payment when known (Stripe refunds name the PaymentIntent). */
  paymentChannelReference?: string;
  /** The payment's test hint for its channel (outcomeHint), copied so the dispatcher needs no read. */
  sandboxOutcome?: string;
  channelReference?: string;
  lastChannelEventId?: string;
  createdAt: string;
  updatedAt: string;
  /** The outcome record (keys.ts): set at create, and by the write that applies the outcome. */
  GSI2PK?: string;
  GSI2SK?: string;
  GSI3PK?: string;
  GSI3SK?: string;
  outcomeAt?: string;
}

/** The idempotency record of a refund: where its id leads (payment) and the first answer. */
export interface RefundRequestItem {
  PK: string;
  SK: string;
  entity: 'refundRequest';
  refundId: string;
  paymentId: string;
  merchantId: string;
  requestFingerprint: string;
  /** JSON of the 201 body as first answered. */
  response: string;
  createdAt: string;
}

/** A business refusal kept for replay under its Idempotency-Key (24 h TTL). */
export interface RefusalItem {
  PK: string;
  SK: string;
  entity: 'refusal';
  merchantId: string;
  status: number;
  /** JSON of the problem body as first answered. */
  body: string;
  requestFingerprint: string;
  createdAt: string;
  expiresAt: number;
}

export type SlotItem = PaymentItem | RefundRequestItem | RefusalItem;

/** The slot an id of ours is stored at, or `undefined` when the id is not one we issue. */
export function slotOfId(id: string, prefix: 'pay' | 're'): string | undefined {
  const match = SLOT_ID.exec(id);
  return match && match[1] === prefix ? match[2] : undefined;
}

/** @throws ObjectNotFoundError for an id we never issue (answered exactly like a missing object). */
export function requireSlot(id: string, prefix: 'pay' | 're'): string {
  const slot = slotOfId(id, prefix);
  if (!slot) throw new ObjectNotFoundError(id);
  return slot;
}

/** A payment item's metadata, whichever way the item stores it. */
export function metadataOf(
  item: Pick<PaymentItem, 'md' | 'metadataPairs' | 'metadata'>,
): Record<string, string> {
  return fromStoredPairs(item.md ?? item.metadataPairs, item.metadata);
}

/** What items written before routing existed show: pinned to the channel they were created on. */
export const PRE_ROUTING_REASON = 'created before routing';

/** The routing decision the item stores, whichever way it stores it. */
export function storedRouting(item: Pick<PaymentItem, 'rt' | 'routing' | 'channel'>): StoredRouting {
  if (item.rt) return decodeRouting(item.rt);
  if (item.routing) return item.routing;
  const channel = (item.channel as Channel | undefined) ?? null;
  return {
    strategy: 'pinned',
    rule: null,
    candidates: channel ? [channel] : [],
    chosen: channel,
    reason: PRE_ROUTING_REASON,
  };
}

/**
 * The routing answer: the decision, its stored attempts, and while the payment is processing the
 * submission under way as `pending` at `updatedAt` (derived here, so a healthy submission costs no write).
 * The capture is not stored as an attempt either: the write that applied it dated the payment's
 * settlement line item with the same commit time (GSI2SK, `<committedAt>#payment#<id>`), which is the
 * attempt's `at` (items written before this store it: then it is not derived twice).
 */
function routingOf(item: PaymentItem, status: PaymentStatus, updatedAt: string): PaymentRouting {
  const attempts: RoutingAttempt[] = (item.attempts ?? []).map(decodeAttempt);
  const channel = (item.channel as Channel | undefined) ?? null;
  if (item.GSI2SK && channel && !attempts.some((a) => a.outcome === 'succeeded')) {
    attempts.push({ channel, outcome: 'succeeded', at: item.GSI2SK.slice(0, item.GSI2SK.indexOf('#')) });
  }
  if (status === 'processing' && channel) attempts.push({ channel, outcome: 'pending', at: updatedAt });
  // Fields named one by one: a map read back from DynamoDB comes in another key order, and a replay
  // must answer the same bytes as the first answer.
  const { strategy, rule, candidates, chosen, reason } = storedRouting(item);
  return { strategy, rule, candidates, chosen, reason, attempts };
}

export function paymentFromItem(item: PaymentItem): Payment {
  const payment: Payment = {
    id: item.id,
    object: 'payment',
    merchantId: item.merchantId,
    amount: item.amount,
    currency: item.currency,
    status: item.status,
    channel: (item.channel as Channel | undefined) ?? null,
    channelReference: item.channelReference ?? null,
    routing: routingOf(item, item.status, item.updatedAt),
    failureCode: item.failureCode ?? null,
    amountRefunded: item.amountRefunded,
    description: item.description ?? null,
    customer: item.customer ?? null,
    metadata: metadataOf(item),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
  if (item.risk) payment.risk = item.risk;
  return payment;
}

/**
 * The payment exactly as the create request first answered it, rebuilt from the item: what changed
 * since (status, failovers and attempts, refunds, channel reference, risk) is not part of the replayed
 * answer. The create answered either `processing` at the chosen channel, or `failed` with
 * `channel_unavailable` when no channel could take it (nothing changes such a payment afterwards).
 */
export function firstAnswerOf(item: PaymentItem): Payment {
  const { risk: _risk, ...payment } = paymentFromItem(item);
  const routing = storedRouting(item);
  const failedAtCreate = (item.rt !== undefined || item.routing !== undefined) && routing.chosen === null;
  const status: PaymentStatus = failedAtCreate ? 'failed' : 'processing';
  const { GSI2SK: _captured, ...uncaptured } = item;
  const asCreated = { ...uncaptured, attempts: [], channel: routing.chosen as Channel };
  return {
    ...payment,
    status,
    channel: routing.chosen,
    channelReference: null,
    routing: routingOf(asCreated, status, item.createdAt),
    failureCode: failedAtCreate ? (item.failureCode ?? null) : null,
    amountRefunded: 0,
    updatedAt: item.createdAt,
  };
}

export function refundFromItem(item: RefundItem): Refund {
  return {
    id: item.id,
    object: 'refund',
    paymentId: item.paymentId,
    amount: item.amount,
    currency: item.currency,
    status: item.status,
    reason: item.reason ?? null,
    createdAt: item.createdAt,
  };
}

/** An idempotent POST's answer: the first one, or its replay. */
export interface StoredAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly replayed: boolean;
}

export type SlotVerdict = StoredAnswer | { readonly reused: true };

/**
 * Characters of a request fingerprint a payment keeps (132 of its 256 bits: a different body colliding
 * is as likely as guessing a 128-bit key), 21 bytes less on every payment item.
 */
export const STORED_FINGERPRINT_CHARS = 22;

/** `stored` is `fingerprint`, or (a payment's) its first {@link STORED_FINGERPRINT_CHARS} characters. */
function sameRequest(stored: string | undefined, fingerprint: string): boolean {
  if (typeof stored !== 'string' || stored.length < STORED_FINGERPRINT_CHARS) return false;
  return fingerprint.slice(0, stored.length) === stored;
}

/**
 * What an occupied slot means for a request with `fingerprint`: the same request → replay its first
 * answer; anything else → the key was reused.
 */
export function verdictForSlot(item: SlotItem, fingerprint: string): SlotVerdict {
  const stored = item.entity === 'payment' ? (item.rf ?? item.requestFingerprint) : item.requestFingerprint;
  if (!sameRequest(stored, fingerprint)) return { reused: true };
  switch (item.entity) {
    case 'payment':
      return { status: 201, body: firstAnswerOf(item), replayed: true };
    case 'refundRequest':
      return { status: 201, body: JSON.parse(item.response), replayed: true };
    case 'refusal':
      return { status: item.status, body: JSON.parse(item.body), replayed: true };
    default:
      throw new CorruptItemError(
        `slot ${(item as { PK?: string }).PK} holds ${(item as { entity?: string }).entity}`,
      );
  }
}
