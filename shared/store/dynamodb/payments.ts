/**
 * DynamoDB adapter of the payment store: one conditional PutItem per create (the item is its own
 * idempotency record), strongly consistent GetItem per read, GSI1 + BatchGetItem per list page.
 * When the merchant's risk profile sets counted limits that apply to the payment, the create is one
 * TransactWriteItems instead (payment + guarded counters, see `createCounted`). Risk refusals are stored
 * at the key's slot like every business refusal.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Channel } from '../../schemas/channels.js';
import type { Payment } from '../../schemas/payment.js';
import { type Problem, riskRejected } from '../../schemas/problem-catalogue.js';
import { toStoredPairs } from '../client-map.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
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
import { GSI1, keys } from '../keys.js';
import { encodeRouting } from '../payment-codec.js';
import type { CreatePaymentInput, ListPaymentsInput, Page, PaymentStore } from '../ports.js';
import { quotaCountWrite } from './quota-usage.js';
import { putRefusal } from './refusals.js';
import { type CounterWrite, counterWrites } from './risk-counters.js';
import {
  backoffDelay,
  capacityParam,
  claimItem,
  type Item,
  reportCapacity,
  sleep,
  type TableContext,
} from './table.js';

/** A filtered list reads at most this many index pages per request, then hands back a cursor. */
export const MAX_INDEX_PAGES_PER_LIST = 5;
const BATCH_GET_ATTEMPTS = 5;
/** Attempts of a counted create whose transaction keeps colliding with concurrent creates. */
export const COUNTED_CREATE_ATTEMPTS = 10;
/** Stored refusals are replayable for at least the contract's 24 hours. */

export class DynamoPaymentStore implements PaymentStore {
  constructor(private readonly table: TableContext) {}

  async create(input: CreatePaymentInput): Promise<StoredAnswer<Payment | Problem>> {
    const slot = idempotencySlot(input.merchantId, input.idempotencyKey);
    const item = newPaymentItem(slot, input);
    const counters = counterWrites(
      this.table.tableName,
      input.merchantId,
      input.counterLimits ?? [],
      input.now,
    );
    const quota = input.countQuota && item.channel ? [this.quotaWrite(item, input)] : [];
    // No counted limit and no quota applies: the create stays one conditional PutItem (2 write units
    // with its GSI1 entry). Counted limits and quotas cost a transaction, paid only by merchants that
    // configure them.
    if (counters.length > 0 || quota.length > 0)
      return this.createTransacted(slot, item, input, counters, quota);
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
   * (attribute_not_exists, the idempotency record as always), one guarded counter Update per limit
   * (risk-counters.ts) and the quota usage Update (quota-usage.ts). All or nothing, so:
   * - the slot already taken (a retry) → the first answer replayed, and no counter moves;
   * - a limit without room → 422 `risk-rejected` naming the limits, stored at the slot like any refusal;
   *   the attempt stores no payment and no counter. (The contract allows "nothing stored but the
   *   attempt's counters"; storing nothing at all is stricter and needs no compensation.)
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
  ): Promise<StoredAnswer<Payment | Problem>> {
    let lastError: unknown;
    for (let attempt = 0; attempt < COUNTED_CREATE_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt, 20, 1000));
      try {
        const out = await this.table.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [claimItem(this.table, item), ...counters.map((c) => c.item), ...quota],
            ...capacityParam(this.table),
          }),
        );
        reportCapacity(this.table, 'createPayment.counted', out.ConsumedCapacity);
        return { status: 201, body: paymentFromItem(item), replayed: false };
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        const [slotReason, ...counterReasons] = error.CancellationReasons ?? [];
        if (slotReason?.Code === 'ConditionalCheckFailed') {
          return this.replay(slot, input, slotReason.Item ? unmarshall(slotReason.Item) : undefined, error);
        }
        const refused = counters
          .filter((_, i) => counterReasons[i]?.Code === 'ConditionalCheckFailed')
          .map((c) => c.reason);
        if (refused.length > 0) return this.refuse(input, riskRejected(refused));
        if (!(error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict')) throw error;
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

  private async getSlot(slot: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: marshall(keys.object(slot)),
        ConsistentRead: true,
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'getItem', out.ConsumedCapacity);
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  async list(input: ListPaymentsInput): Promise<Page<Payment>> {
    const { merchantId, limit, status } = input;
    let startKey = input.cursor ? decodeCursor(input.cursor, merchantId) : undefined;
    const data: Payment[] = [];
    // Unfiltered, one extra key tells whether a next page exists; filtered, read full pages.
    const pageSize = status ? 100 : limit + 1;
    for (let page = 1; ; page++) {
      const out = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: keys.merchantPayments(merchantId) } },
          ScanIndexForward: false,
          Limit: pageSize,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'listPayments.query', out.ConsumedCapacity);
      const indexKeys = out.Items ?? [];
      const wanted = status ? indexKeys : indexKeys.slice(0, limit - data.length);
      const items = await this.batchGet(
        wanted.map((k) => ({ PK: k.PK as Item[string], SK: k.SK as Item[string] })),
      );
      for (const [i, key] of indexKeys.entries()) {
        const item = items.get(key.PK?.S ?? '');
        if (item && item.merchantId === merchantId && (!status || item.status === status)) {
          data.push(paymentFromItem(item));
        }
        if (data.length === limit) {
          const more = i < indexKeys.length - 1 || out.LastEvaluatedKey !== undefined;
          return { data, nextCursor: more ? cursorAt(merchantId, key) : null };
        }
      }
      if (!out.LastEvaluatedKey) return { data, nextCursor: null };
      startKey = out.LastEvaluatedKey;
      // Bound the work of one request: a rare status could otherwise scan the merchant's history.
      if (page >= MAX_INDEX_PAGES_PER_LIST) return { data, nextCursor: cursorAt(merchantId, startKey) };
    }
  }

  /** BatchGetItem by chunks of 100, retrying UnprocessedKeys with backoff. */
  private async batchGet(wanted: Item[]): Promise<Map<string, PaymentItem>> {
    const found = new Map<string, PaymentItem>();
    for (let start = 0; start < wanted.length; start += 100) {
      let pending: Item[] = wanted.slice(start, start + 100);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_GET_ATTEMPTS)
          throw new Error('BatchGetItem left keys unprocessed after retries');
        if (attempt > 0) await sleep(backoffDelay(attempt));
        const out = await this.table.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.table.tableName]: { Keys: pending } },
            ...capacityParam(this.table),
          }),
        );
        reportCapacity(this.table, 'listPayments.batchGet', out.ConsumedCapacity);
        for (const raw of out.Responses?.[this.table.tableName] ?? []) {
          const item = unmarshall(raw) as PaymentItem;
          if (item.entity === 'payment') found.set(item.PK, item);
        }
        pending = out.UnprocessedKeys?.[this.table.tableName]?.Keys ?? [];
      }
    }
    return found;
  }
}

function cursorAt(merchantId: string, key: Item): string {
  return encodeCursor(merchantId, key.GSI1SK?.S ?? '', key.PK?.S ?? '');
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
    GSI1PK: keys.merchantPayments(input.merchantId),
    GSI1SK: keys.merchantPaymentsSort(createdAt, id),
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
