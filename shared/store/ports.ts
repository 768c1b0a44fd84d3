/**
 * The store ports the handlers depend on. Adapters live in `dynamodb/`; tests may provide fakes.
 */
import type { PaymentStatus } from '../domain/payment.js';
import type { RefundStatus } from '../domain/refund.js';
import type { CounterLimit } from '../domain/risk/before.js';
import type { CreatePaymentBody, Payment } from '../schemas/payment.js';
import type { Problem } from '../schemas/problem-catalogue.js';
import type { Refund } from '../schemas/refund.js';
import type { StoredAnswer, StoredRouting } from './items.js';

export interface CreatePaymentInput {
  readonly merchantId: string;
  readonly idempotencyKey: string;
  readonly requestFingerprint: string;
  readonly body: CreatePaymentBody;
  readonly now: Date;
  /**
   * Counted risk limits that apply to this payment (domain/risk/before.ts `counterLimits`). Empty or
   * absent: one conditional PutItem. Otherwise one TransactWriteItems with a guarded counter update per
   * limit; a limit without room answers a stored 422 `risk-rejected`.
   */
  readonly counterLimits?: readonly CounterLimit[];
  /**
   * The routing decision to store (written once). `chosen: null` stores the payment `failed` with
   * `failureCode: channel_unavailable` and no channel. Absent: the decision a merchant without routing
   * configuration gets (pinned to `body.channel`, else priority over ["sandbox"]).
   */
  readonly routing?: StoredRouting;
  /**
   * Count the amount on the chosen channel's daily quota usage (quota-usage.ts), in the same transaction
   * as the payment. Set only when the merchant configured a quota for that channel and currency: a
   * merchant without quotas keeps the one-PutItem create.
   */
  readonly countQuota?: boolean;
  /**
   * The routing candidates with a quota in the payment's currency (route-payment.ts), stored on the
   * payment when a failover could move its count (more than one candidate), so the dispatcher's failover
   * moves the count in the same transaction as the move itself.
   */
  readonly quotaChannels?: readonly string[];
}

export interface ListPaymentsInput {
  readonly merchantId: string;
  readonly limit: number;
  readonly cursor?: string;
  readonly status?: PaymentStatus;
}

export interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}

export interface PaymentStore {
  /** Creates the payment, or replays the key's first answer. @throws IdempotencyKeyReusedError */
  create(input: CreatePaymentInput): Promise<StoredAnswer<Payment | Problem>>;
  /**
   * Stores a business refusal of the create (e.g. 422 `risk-rejected`) at the key's slot, or replays the
   * slot's first answer when the key was already used. @throws IdempotencyKeyReusedError
   */
  refuse(input: CreatePaymentInput, problem: Problem): Promise<StoredAnswer<Payment | Problem>>;
  /** @throws ObjectNotFoundError when absent or another merchant's. */
  get(merchantId: string, paymentId: string): Promise<Payment>;
}

export interface CreateRefundInput {
  readonly merchantId: string;
  readonly paymentId: string;
  readonly idempotencyKey: string;
  readonly requestFingerprint: string;
  readonly amount?: number;
  readonly reason?: string;
  readonly now: Date;
}

export interface RefundStore {
  /**
   * Creates a refund (201) or a stored refusal (404, 409, 422), or replays the key's first answer.
   * @throws IdempotencyKeyReusedError, ConcurrentModificationError
   */
  create(input: CreateRefundInput): Promise<StoredAnswer>;
  /** @throws ObjectNotFoundError when the payment is absent or another merchant's. */
  list(merchantId: string, paymentId: string): Promise<Refund[]>;
}

/** A channel's report that a payment or refund reached a final state. */
export interface ChannelOutcome {
  /** The channel that reports it (the callback's route, a run's channel): it must be the object's. */
  readonly channel: string;
  readonly eventId: string;
  readonly reference: string;
  readonly to: 'succeeded' | 'failed';
  readonly channelReference: string;
  readonly amount: number;
  readonly currency: string;
  /** When it happened at the channel (ISO 8601): its UTC day is the statement it is on. */
  readonly occurredAt: string;
  readonly now: Date;
}

/**
 * - `applied`: the state changed now;
 * - `already_applied`: a duplicate or replayed delivery, nothing changed;
 * - `conflict`: the object reached another final state first; recorded, nothing changed;
 * - `mismatch`: amount, currency or channel disagree with ours; recorded, nothing changed;
 * - `unknown_reference`: no such object.
 */
export type OutcomeResult =
  | { readonly kind: 'applied' }
  | { readonly kind: 'already_applied' }
  | { readonly kind: 'conflict'; readonly status: PaymentStatus | RefundStatus }
  | { readonly kind: 'mismatch'; readonly fields: ReadonlyArray<'amount' | 'currency' | 'channel'> }
  | { readonly kind: 'unknown_reference' };

export interface ChannelOutcomeStore {
  applyPaymentOutcome(outcome: ChannelOutcome): Promise<OutcomeResult>;
  applyRefundOutcome(outcome: ChannelOutcome): Promise<OutcomeResult>;
}
