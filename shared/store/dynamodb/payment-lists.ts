/**
 * Payment lists, newest first, over sharded KEYS_ONLY indexes (keys.ts): a merchant's payments (GSI1
 * `MER#<merchant>#<shard>`), and for ops every payment (GSI4 `PAYMENTS#<shard>`) or the payments held
 * for review (risk's review queue, GSI4 `REVIEW#<shard>`, read by risk's function: review-queue.ts). A
 * page merges the index's partitions (index-merge.ts), or takes the review queue's keys a round at a
 * time, and fetches its payments with BatchGetItem; filters apply to the fetched items.
 *
 * Kept apart from the payment store (payments.ts) so that the create's bundle carries none of it.
 */
import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ReviewStatus } from '../../domain/risk/review.js';
import { REVIEW_QUEUE_MAX_PAGE, type ReviewQueueReader } from '../../internal/review-queue.js';
import type { Payment } from '../../schemas/payment.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ObjectNotFoundError } from '../errors.js';
import { type PaymentItem, paymentFromItem, requireSlot } from '../items.js';
import { backOfficeKeys, GSI1, GSI4, keys } from '../keys.js';
import type { ListPaymentsInput, Page } from '../ports.js';
import { MergedIndex, type ShardedIndex } from './index-merge.js';
import { reviewQueuePage } from './review-queue.js';
import { readSlot } from './slot-reads.js';
import { backoffDelay, capacityParam, type Item, reportCapacity, sleep, type TableContext } from './table.js';

/**
 * A filtered page examines at most this many payments, then hands back a cursor where it stopped: a rare
 * status could otherwise read a merchant's whole history in one request.
 */
export const MAX_EXAMINED_PER_PAGE = 500;
const BATCH_GET_ATTEMPTS = 5;
/** The owner of ops cursors (a merchant's cursor names the merchant; no merchant id holds a `#`). */
const OPS = '#ops';

type RiskPaymentItem = PaymentItem & { reviewStatus?: ReviewStatus };
export type OpsPaymentView = Payment & { reviewStatus: ReviewStatus | null };

export interface OpsListPaymentsInput {
  readonly limit: number;
  readonly cursor?: string;
  readonly merchantId?: string;
  readonly status?: Payment['status'];
  readonly channel?: string;
  readonly risk?: 'review';
}

/** Where a page takes its keys, newest first: a merged index, or the review queue's pages. */
interface KeySource {
  next(): Promise<string | undefined>;
  hasNext(): Promise<boolean>;
}

interface PageQuery {
  /** The keys below a position (undefined: from the newest), for a page that takes about `wanted`. */
  readonly keys: (below: string | undefined, wanted: number) => KeySource;
  readonly owner: string;
  readonly limit: number;
  readonly cursor: string | undefined;
  /** Whether a fetched payment belongs on the page; undefined: every one does. */
  readonly filter?: (item: RiskPaymentItem) => boolean;
  readonly operation: string;
}

export interface PaymentListsOptions {
  /** Keys one Query of a partition reads (index-merge.ts; tests lower it). */
  readonly partitionQueryLimit?: number;
  /**
   * Risk's review queue (the ops function invokes risk's; shared/internal/review-queue.ts). Default: the
   * page risk's function reads, run here against the table (tests and the bench, which hold every grant).
   */
  readonly reviewQueue?: ReviewQueueReader;
}

export class DynamoPaymentLists {
  private readonly reviewQueue: ReviewQueueReader;

  constructor(
    private readonly table: TableContext,
    private readonly options: PaymentListsOptions = {},
  ) {
    this.reviewQueue =
      options.reviewQueue ?? ((request) => reviewQueuePage(table, request, options.partitionQueryLimit));
  }

  /** GET /v1/payments. @throws InvalidCursorError */
  async merchantPage(input: ListPaymentsInput): Promise<Page<Payment>> {
    const { merchantId, status } = input;
    const page = await this.page({
      keys: this.merged(merchantIndex(merchantId), 'listPayments'),
      owner: merchantId,
      limit: input.limit,
      cursor: input.cursor,
      ...(status ? { filter: (item: PaymentItem) => item.status === status } : {}),
      operation: 'listPayments',
    });
    // The index is the merchant's: another merchant's payment cannot be in it.
    return {
      data: page.data.filter((i) => i.merchantId === merchantId).map(paymentFromItem),
      ...cursorOf(page),
    };
  }

  /** GET /v1/ops/payments. @throws InvalidCursorError */
  async opsPage(input: OpsListPaymentsInput): Promise<Page<OpsPaymentView>> {
    const { merchantId, status, channel, risk } = input;
    const checks: ((item: RiskPaymentItem) => boolean)[] = [];
    if (risk === 'review') checks.push((item) => item.reviewStatus === 'held');
    // The review queue is every merchant's: a merchant's held payments are filtered out of it.
    if (merchantId && risk === 'review') checks.push((item) => item.merchantId === merchantId);
    if (status) checks.push((item) => item.status === status);
    if (channel) checks.push((item) => item.channel === channel);
    const keys =
      risk === 'review'
        ? (below: string | undefined, wanted: number) => new ReviewQueueKeys(this.reviewQueue, below, wanted)
        : this.merged(merchantId ? merchantIndex(merchantId) : allPaymentsIndex(), 'opsListPayments');
    const page = await this.page({
      keys,
      owner: OPS,
      limit: input.limit,
      cursor: input.cursor,
      ...(checks.length > 0 ? { filter: (item: RiskPaymentItem) => checks.every((c) => c(item)) } : {}),
      operation: 'opsListPayments',
    });
    return { data: page.data.map(opsView), ...cursorOf(page) };
  }

  /** GET /v1/ops/payments/{id}: any merchant's payment, strongly consistent. @throws ObjectNotFoundError */
  async opsGet(paymentId: string): Promise<OpsPaymentView> {
    const slot = requireSlot(paymentId, 'pay');
    const item = (await readSlot(this.table, slot, 'opsGetPayment')) as RiskPaymentItem | undefined;
    if (item?.entity !== 'payment') throw new ObjectNotFoundError(paymentId);
    return opsView(item);
  }

  /**
   * One page: takes keys from the merged index newest first, fetches their payments, keeps those the
   * filter accepts. Unfiltered, it takes exactly `limit` keys; filtered, up to 100 at a time, at most
   * MAX_EXAMINED_PER_PAGE in all. The cursor is the last key examined, so what a page skipped (filtered
   * out) is never read again, and nothing below it is missed.
   */
  private async page(query: PageQuery): Promise<{ data: RiskPaymentItem[]; last: string | null }> {
    const { owner, limit, filter } = query;
    const below = query.cursor === undefined ? undefined : decodeCursor(query.cursor, owner);
    const merged = query.keys(below, filter ? 100 : limit + 1);
    const data: RiskPaymentItem[] = [];
    let examined = 0;
    for (;;) {
      const want = filter ? Math.min(100, MAX_EXAMINED_PER_PAGE - examined) : limit - data.length;
      const candidates: string[] = [];
      while (candidates.length < want) {
        const key = await merged.next();
        if (key === undefined) break;
        candidates.push(key);
      }
      const items = await this.batchGet(candidates.map(paymentIdOf), `${query.operation}.batchGet`);
      for (const [i, key] of candidates.entries()) {
        examined += 1;
        const item = items.get(paymentIdOf(key));
        if (item && (!filter || filter(item))) data.push(item);
        if (data.length === limit) {
          const more = i < candidates.length - 1 || (await merged.hasNext());
          return { data, last: more ? encodeCursor(owner, key) : null };
        }
      }
      if (!(await merged.hasNext())) return { data, last: null };
      const last = candidates[candidates.length - 1];
      if (examined >= MAX_EXAMINED_PER_PAGE && last) return { data, last: encodeCursor(owner, last) };
    }
  }

  private merged(index: ShardedIndex, operation: string) {
    return (below: string | undefined, wanted: number): KeySource =>
      new MergedIndex(
        this.table,
        index,
        below,
        wanted,
        `${operation}.query`,
        this.options.partitionQueryLimit,
      );
  }

  /** The payments of `ids` by id (BatchGetItem by chunks of 100, UnprocessedKeys retried with backoff). */
  private async batchGet(ids: readonly string[], operation: string): Promise<Map<string, RiskPaymentItem>> {
    const found = new Map<string, RiskPaymentItem>();
    for (let start = 0; start < ids.length; start += 100) {
      let pending: Item[] = ids
        .slice(start, start + 100)
        .map((id) => marshall(keys.object(requireSlot(id, 'pay'))));
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
        reportCapacity(this.table, operation, out.ConsumedCapacity);
        for (const raw of out.Responses?.[this.table.tableName] ?? []) {
          const item = unmarshall(raw) as RiskPaymentItem;
          if (item.entity === 'payment') found.set(item.id, item);
        }
        pending = out.UnprocessedKeys?.[this.table.tableName]?.Keys ?? [];
      }
    }
    return found;
  }
}

function cursorOf(page: { last: string | null }): { nextCursor: string | null } {
  return { nextCursor: page.last };
}

function opsView(item: RiskPaymentItem): OpsPaymentView {
  return { ...paymentFromItem(item), reviewStatus: item.reviewStatus ?? null };
}

/** The payment id at the end of an index sort key (`<createdAt>#pay_…`). */
function paymentIdOf(sortKey: string): string {
  return sortKey.slice(sortKey.lastIndexOf('#') + 1);
}

function merchantIndex(merchantId: string): ShardedIndex {
  return {
    indexName: GSI1,
    partitionAttribute: 'GSI1PK',
    sortAttribute: 'GSI1SK',
    partitions: backOfficeKeys.merchantPaymentShards(merchantId),
  };
}

function allPaymentsIndex(): ShardedIndex {
  return {
    indexName: GSI4,
    partitionAttribute: 'GSI4PK',
    sortAttribute: 'GSI1SK',
    partitions: backOfficeKeys.allPaymentShards(),
  };
}

/**
 * The review queue's keys, a page of `wanted` (at most REVIEW_QUEUE_MAX_PAGE) at a time below the last
 * one: a page asks again only once it has examined every key of the previous one, and the owner's `more`
 * says whether asking would find any.
 */
class ReviewQueueKeys implements KeySource {
  private readonly buffer: string[] = [];
  private more = true;

  constructor(
    private readonly read: ReviewQueueReader,
    private below: string | undefined,
    private readonly wanted: number,
  ) {}

  async next(): Promise<string | undefined> {
    if (this.buffer.length === 0 && this.more) await this.fetch();
    return this.buffer.shift();
  }

  async hasNext(): Promise<boolean> {
    return this.buffer.length > 0 || this.more;
  }

  private async fetch(): Promise<void> {
    const page = await this.read({
      ...(this.below === undefined ? {} : { below: this.below }),
      limit: Math.min(this.wanted, REVIEW_QUEUE_MAX_PAGE),
    });
    this.buffer.push(...page.keys);
    const last = page.keys[page.keys.length - 1];
    if (last !== undefined) this.below = last;
    // An empty page ends the queue whatever it says: asking again from the same place would loop.
    this.more = page.more && last !== undefined;
  }
}
