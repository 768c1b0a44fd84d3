/**
 * DynamoDB adapter of the payment store: one conditional PutItem per create (the item is its own
 * idempotency record), strongly consistent GetItem per read. Lists are payment-lists.ts's.
 * When the merchant's risk profile sets counted limits that apply to the payment, the create is one
 * TransactWriteItems instead (payment + guarded counters, see `createCounted`). Risk refusals are stored
 * at the key's slot like every business refusal.
 */
import {
  ConditionalCheckFailedException,
  PutItemCommand,
  type TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Channel } from '../../schemas/channels.js';
import type { Payment } from '../../schemas/payment.js';
import { type Problem, riskRejected } from '../../schemas/problem-catalogue.js';
import { toStoredPairs } from '../client-map.js';
import { ConcurrentModificationError, IdempotencyKeyReusedError, ObjectNotFoundError } from '../errors.js';
import { idempotencySlot } from '../idempotency.js';
import {
  PAYMENT_ID_PREFIX,
  type PaymentItem,
  paymentFromItem,
  requireSlot,
  type SlotItem,
  STORED_FINGERPRINT_CHARS,
  type StoredAnswer,
  type StoredRouting,
  verdictForSlot,
} from '../items.js';
import { keys } from '../keys.js';
import { encodeRouting } from '../payment-codec.js';
import type { CreatePaymentInput, PaymentStore } from '../ports.js';
import { DailyAmountShards, type Piece, pieceWrite } from './daily-amount-shards.js';
import { quotaCountWrite } from './quota-usage.js';
import { putRefusal } from './refusals.js';
import { type CounterWrite, counterWrites, windowExpiry, windowKey } from './risk-counters.js';
import { readSlot } from './slot-reads.js';
import { backoffDelay, capacityParam, claimItem, reportCapacity, sleep, type TableContext } from './table.js';

/** Attempts of a counted create whose transaction keeps colliding with concurrent creates. */
export const COUNTED_CREATE_ATTEMPTS = 10;
/** Plans of a daily amount made again after a piece found no room, before the create gives up (409). */
export const MAX_PIECE_RETRIES = 64;
/** Stored refusals are replayable for at least the contract's 24 hours. */

export class DynamoPaymentStore implements PaymentStore {
  /** The merchants' daily amount counters and what this container knows of them (daily-amount-shards.ts). */
  private readonly amounts: DailyAmountShards;

  constructor(private readonly table: TableContext) {
    this.amounts = new DailyAmountShards(table);
  }

  async create(input: CreatePaymentInput): Promise<StoredAnswer<Payment | Problem>> {
    const slot = idempotencySlot(input.merchantId, input.idempotencyKey);
    const item = newPaymentItem(slot, input);
    const limits = input.counterLimits ?? [];
    const daily = limits.find((l) => l.reason === 'daily_amount_limit');
    const counters = counterWrites(
      this.table.tableName,
      input.merchantId,
      limits.filter((l) => l !== daily),
      input.now,
    );
    const quota = input.countQuota && item.channel ? [this.quotaWrite(item, input)] : [];
    // No counted limit and no quota applies: the create stays one conditional PutItem (3 write units
    // with its GSI1 and GSI4 entries). Counted limits and quotas cost a transaction, paid only by merchants that
    // configure them.
    if (daily || counters.length > 0 || quota.length > 0)
      return this.createTransacted(slot, item, input, counters, quota, daily?.limit);
    try {
      const out = await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'createPayment', out.ConsumedCapacity);
      return { status: 201, body: paymentFromItem(item), replayed: false };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The slot is taken: the same request retried, or the key reused for another one.
      return this.replay(slot, input, error.Item ? unmarshall(error.Item) : undefined, error);
    }
  }

  /** The count of the payment's amount on the chosen channel's quota usage (quota-usage.ts). */
  private quotaWrite(item: PaymentItem, input: CreatePaymentInput): TransactWriteItem {
    return quotaCountWrite(this.table.tableName, {
      merchantId: input.merchantId,
      channel: item.channel,
      currency: item.currency,
      paymentId: item.id,
      amount: item.amount,
      now: input.now,
    });
  }

  /**
   * The create under counted risk limits or a quota: ONE TransactWriteItems of the payment's Put
   * (attribute_not_exists, the idempotency record as always), one guarded counter Update per customer
   * limit (risk-counters.ts), the quota usage Update (quota-usage.ts) and the piece(s) of the merchant's
   * daily amount on its shards (daily-amount-shards.ts). All or nothing, so:
   * - the slot already taken (a retry) → the first answer replayed, and no counter moves;
   * - a limit without room → 422 `risk-rejected` naming the limits, stored at the slot like any refusal;
   *   the attempt stores no payment and no counter. (The contract allows "nothing stored but the
   *   attempt's counters"; storing nothing at all is stricter and needs no compensation.) A daily amount
   *   piece without room is planned again from what the refusal taught, and the create refused only when
   *   the merchant's whole limit has no room for it;
   * - a payment is counted on its channel's quota exactly when it is stored.
   * Transactions on one counter item conflict when creates race (TransactionConflict): retried with
   * jittered backoff; the conditions, not the retries, are what keep the limit.
   */
  private async createTransacted(
    slot: string,
    item: PaymentItem,
    input: CreatePaymentInput,
    counters: readonly CounterWrite[],
    quota: readonly TransactWriteItem[],
    dailyLimit: number | undefined,
  ): Promise<StoredAnswer<Payment | Problem>> {
    const at = {
      merchantId: input.merchantId,
      day: windowKey('day', input.now),
      currency: item.currency,
      limit: dailyLimit ?? 0,
      expiresAt: windowExpiry('day', input.now),
    };
    let lastError: unknown;
    let conflicts = 0;
    let wait = false;
    // A piece without room teaches its shard's total (higher than the plan assumed, and another create
    // committed there): retried without delay, and bounded apart from transaction conflicts.
    for (let full = 0; conflicts < COUNTED_CREATE_ATTEMPTS && full <= MAX_PIECE_RETRIES; ) {
      if (wait) await sleep(backoffDelay(conflicts, 20, 1000));
      wait = false;
      let pieces: Piece[] = [];
      if (dailyLimit !== undefined) {
        const plan = await this.amounts.plan(at.merchantId, at.day, at.currency, at.limit, item.amount);
        if (plan === 'refuse') return this.refuse(input, riskRejected(['daily_amount_limit']));
        if (plan !== 'read') pieces = plan;
      }
      try {
        const out = await this.table.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              claimItem(this.table, item),
              ...pieces.map((p) => pieceWrite(this.table.tableName, at, p)),
              ...counters.map((c) => c.item),
              ...quota,
            ],
            ...capacityParam(this.table),
          }),
        );
        reportCapacity(this.table, 'createPayment.counted', out.ConsumedCapacity);
        this.amounts.learn(at.merchantId, at.day, at.currency, pieces, []);
        return { status: 201, body: paymentFromItem(item), replayed: false };
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const slotReason = reasons[0];
        if (slotReason?.Code === 'ConditionalCheckFailed') {
          return this.replay(slot, input, slotReason.Item ? unmarshall(slotReason.Item) : undefined, error);
        }
        const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
        const refused = counters.filter((_, i) => failed(1 + pieces.length + i)).map((c) => c.reason);
        if (refused.length > 0) return this.refuse(input, riskRejected(refused));
        const noRoom = pieces.flatMap((p, i) => {
          const old = reasons[1 + i];
          return failed(1 + i)
            ? [[p.shard, Number(old?.Item ? unmarshall(old.Item).total : 0)] as const]
            : [];
        });
        this.amounts.learn(at.merchantId, at.day, at.currency, [], noRoom);
        if (noRoom.length > 0) {
          full++;
          continue;
        }
        if (!reasons.some((r) => r.Code === 'TransactionConflict')) throw error;
        conflicts++;
        wait = true;
        lastError = error;
      }
    }
    throw new ConcurrentModificationError(lastError);
  }

  /**
   * Stores a business refusal of a create at the key's slot for 24 h (TTL), so a retry replays it; no
   * payment is stored. A slot already taken replays its first answer instead (e.g. a payment created
   * before the merchant's profile blocked this customer stays created for its retries).
   */
  async refuse(input: CreatePaymentInput, problem: Problem): Promise<StoredAnswer<Payment | Problem>> {
    const slot = idempotencySlot(input.merchantId, input.idempotencyKey);
    const result = await putRefusal(this.table, slot, input, problem);
    if (result.stored) return { status: problem.status, body: problem, replayed: false };
    return this.replay(slot, input, result.existing, undefined);
  }

  /** The answer for a taken slot: the same request → its first answer; another one → key reused. */
  private async replay(
    slot: string,
    input: CreatePaymentInput,
    found: Record<string, unknown> | undefined,
    cause: unknown,
  ): Promise<StoredAnswer<Payment | Problem>> {
    const existing = found ?? (await this.getSlot(slot));
    if (!existing) throw new ConcurrentModificationError(cause);
    const verdict = verdictForSlot(existing as unknown as SlotItem, input.requestFingerprint);
    if ('reused' in verdict) throw new IdempotencyKeyReusedError();
    return verdict as StoredAnswer<Payment | Problem>;
  }

  async get(merchantId: string, paymentId: string): Promise<Payment> {
    return paymentFromItem(await this.getItem(merchantId, paymentId));
  }

  /** The payment item itself; refunds and callbacks build on it. */
  async getItem(merchantId: string | undefined, paymentId: string): Promise<PaymentItem> {
    const slot = requireSlot(paymentId, 'pay');
    const item = await this.getSlot(slot);
    if (item?.entity !== 'payment' || (merchantId !== undefined && item.merchantId !== merchantId)) {
      throw new ObjectNotFoundError(paymentId);
    }
    return item as unknown as PaymentItem;
  }

  /** Whatever item occupies a slot (payment, refund request or refusal), strongly consistent. */
  async getSlotItem(slot: string): Promise<Record<string, unknown> | undefined> {
    return this.getSlot(slot);
  }

  private getSlot(slot: string): Promise<Record<string, unknown> | undefined> {
    return readSlot(this.table, slot, 'getItem');
  }
}

function newPaymentItem(slot: string, input: CreatePaymentInput): PaymentItem {
  const id = `${PAYMENT_ID_PREFIX}${slot}`;
  const createdAt = input.now.toISOString();
  const { body } = input;
  const routing = input.routing ?? unconfiguredRouting(body);
  const item: PaymentItem = {
    ...keys.object(slot),
    entity: 'payment',
    id,
    merchantId: input.merchantId,
    amount: body.amount,
    currency: body.currency,
    status: routing.chosen ? 'processing' : 'failed',
    // Not stored without a chosen channel (items.ts): `paymentFromItem` answers null.
    channel: routing.chosen as Channel,
    amountRefunded: 0,
    refundableRemaining: body.amount,
    createdAt,
    updatedAt: createdAt,
    // Neither the Idempotency-Key (the slot is derived from it) nor all of the fingerprint: 1 KB (items.ts).
    rf: input.requestFingerprint.slice(0, STORED_FINGERPRINT_CHARS),
    // The merchant's list (GSI1) and the list of all payments (GSI4), each sharded by the id (keys.ts).
    GSI1PK: keys.merchantPayments(input.merchantId, id),
    GSI1SK: keys.merchantPaymentsSort(createdAt, id),
    GSI4PK: keys.allPayments(id),
    // Half of a settlement line item's keys: in GSI2 once its success adds GSI2SK (no index write now).
    GSI2PK: keys.settlementLines(input.merchantId, id),
  };
  // Compact (payment-codec.ts): the item stays within 1 KB, so its capture costs one write unit.
  const rt = encodeRouting(routing);
  if (rt) item.rt = rt;
  else item.routing = routing;
  if (!routing.chosen) {
    delete (item as Partial<PaymentItem>).channel;
    item.failureCode = 'channel_unavailable';
  }
  // Only where a failover could move the count: a payment with one candidate never leaves it.
  if (routing.chosen && routing.candidates.length > 1 && (input.quotaChannels?.length ?? 0) > 0)
    item.quotaChannels = [...(input.quotaChannels ?? [])];
  if (body.description !== undefined) item.description = body.description;
  if (body.customer && Object.keys(body.customer).length > 0) item.customer = body.customer;
  const metadataPairs = toStoredPairs(body.metadata);
  if (metadataPairs) item.md = metadataPairs;
  return item;
}

/**
 * The decision `decideRoute` takes for a merchant without routing configuration (pinned to the body's
 * channel, else priority over ["sandbox"]), for callers that bring none. Written out rather than computed:
 * the routing domain stays out of every bundle that only reads payments (a unit test pins it to
 * decideRoute's answer).
 */
export function unconfiguredRouting(body: Pick<CreatePaymentInput['body'], 'channel'>): StoredRouting {
  const channel = body.channel ?? 'sandbox';
  return body.channel
    ? {
        strategy: 'pinned',
        rule: null,
        candidates: [channel],
        chosen: channel,
        reason: `pinned to ${channel} by the payment; no failover`,
      }
    : {
        strategy: 'priority',
        rule: null,
        candidates: [channel],
        chosen: channel,
        reason: 'default, priority: sandbox, first healthy in order',
      };
}

/**
 * Matched by name rather than `instanceof`: the same check the refund path makes, and it keeps working
 * when a test injects errors from another copy of the SDK.
 */
function isTransactionCanceled(error: unknown): error is TransactionCanceledException {
  return (error as { name?: string } | null)?.name === 'TransactionCanceledException';
}
