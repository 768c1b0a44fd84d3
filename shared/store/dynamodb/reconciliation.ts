/**
 * DynamoDB adapter of reconciliation runs and discrepancies (keys and access patterns: keys.ts).
 *
 * - A run is ONE conditional PutItem at its Idempotency-Key slot (`rcr_<slot>`): the run is its own
 *   idempotency record, so a retry replays it and a run is never started twice by one key.
 * - Discrepancies live per channel-day with the id they always get for the same finding, so a rerun
 *   overwrites rather than adds; statuses set by ops or by a repair are carried over by the run (it
 *   reads them first), and a resolve is one guarded UpdateItem.
 * - A payment with an open discrepancy carries its id in `reconHolds` (a string set), and the same id
 *   is a reason in risk's settlement hold registry (holds.ts), which settlement reads: risk's
 *   `set-holds` function writes it (the `HoldRegistry` this store is given), once per batch.
 */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ReconciliationCounts } from '../../domain/reconciliation/discrepancy.js';
import type { Expectation } from '../../domain/reconciliation/expectations.js';
import type { DiscrepancyObject, ReconciliationRun } from '../../schemas/reconciliation.js';
import { decodeOpaque, encodeOpaque } from '../cursor.js';
import { InvalidCursorError, ObjectNotFoundError } from '../errors.js';
import { idempotencySlot } from '../idempotency.js';
import type { StoredAnswer } from '../items.js';
import { backOfficeKeys, GSI3, keys } from '../keys.js';
import {
  channelDayOfDiscrepancy,
  type DiscrepancyItem,
  discrepancyFromItem,
  EMPTY_COUNTS,
  type KnownDiscrepancy,
  RUN_ID,
  RUN_ID_PREFIX,
  type RunItem,
} from '../reconciliation-items.js';
import { DynamoHoldStore, type HoldRegistry } from './holds.js';
import { putListedRun } from './run-list.js';
import {
  backoffDelay,
  capacityParam,
  getItemConsistent,
  queryPages,
  reportCapacity,
  sleep,
  type TableContext,
} from './table.js';

const BATCH_WRITE_ATTEMPTS = 8;

/** A payment's or refund's entry in GSI3 (table-definition.ts: its projection). */
interface OutcomeIndexEntry {
  /** `<type>#<reference>` */
  GSI3SK: string;
  channelReference?: string;
  amount: number;
  currency: string;
  status: 'succeeded' | 'failed';
}

/** A discrepancy holding (`hold`) or no longer holding its payment. */
export interface PaymentHoldChange {
  readonly payment: { readonly slot: string; readonly merchantId: string };
  readonly discrepancyId: string;
  readonly hold: boolean;
}

export class DynamoReconciliationStore {
  /**
   * @param holds the settlement hold registry: risk's `set-holds` function in the deployed functions
   *   (services/risk-functions.ts); risk's own store by default (tests and the CLI, which hold the table).
   */
  constructor(
    private readonly table: TableContext,
    private readonly holds: HoldRegistry = new DynamoHoldStore(table),
  ) {}

  /** Starts a run (202), or replays the key's run. @throws IdempotencyKeyReusedError */
  async createRun(input: {
    readonly callerId: string;
    readonly idempotencyKey: string;
    readonly requestFingerprint: string;
    readonly channel: string;
    readonly date: string;
    readonly now: Date;
  }): Promise<StoredAnswer<{ id: string; status: ReconciliationRun['status'] }>> {
    const slot = idempotencySlot(input.callerId, input.idempotencyKey);
    const item: RunItem = {
      ...keys.object(slot),
      entity: 'reconciliationRun',
      id: `${RUN_ID_PREFIX}${slot}`,
      channel: input.channel,
      date: input.date,
      status: 'running',
      counts: EMPTY_COUNTS,
      repaired: 0,
      source: null,
      error: null,
      requestFingerprint: input.requestFingerprint,
      callerId: input.callerId,
      createdAt: input.now.toISOString(),
      completedAt: null,
    };
    // With its entry in the ops list of runs (run-list.ts), in the same transaction.
    const put = await putListedRun(this.table, 'reconciliation', item, 'createReconciliationRun');
    // A replay answers as the run was accepted (`running`), whatever it is now.
    return { status: 202, body: { id: item.id, status: 'running' }, replayed: !put.created };
  }

  /** @throws ObjectNotFoundError */
  async getRun(id: string): Promise<RunItem> {
    const slot = RUN_ID.exec(id)?.[1];
    const item = slot ? await this.getItem(keys.object(slot)) : undefined;
    if (item?.entity !== 'reconciliationRun') throw new ObjectNotFoundError(id);
    return item as unknown as RunItem;
  }

  /**
   * Takes the run for `owner` until `until` (a lease), unless it ended or another executor holds an
   * unexpired lease. @returns whether this caller may execute it.
   */
  async claimRun(run: RunItem, owner: string, now: Date, until: Date): Promise<boolean> {
    try {
      const out = await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: marshall({ PK: run.PK, SK: run.SK }),
          ConditionExpression:
            'entity = :run AND #status = :running AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          UpdateExpression: 'SET leaseUntil = :until, executor = :owner',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':run': 'reconciliationRun',
            ':running': 'running',
            ':now': now.toISOString(),
            ':until': until.toISOString(),
            ':owner': owner,
          }),
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'claimReconciliationRun', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Records a run's end (completed with its counts, or failed with why). */
  async finishRun(
    run: RunItem,
    end: {
      readonly status: 'completed' | 'failed';
      readonly counts: ReconciliationCounts;
      readonly repaired: number;
      readonly source: RunItem['source'];
      readonly error: string | null;
      readonly now: Date;
    },
  ): Promise<RunItem> {
    const out = await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: marshall({ PK: run.PK, SK: run.SK }),
        ConditionExpression: 'entity = :run',
        UpdateExpression:
          'SET #status = :status, counts = :counts, repaired = :repaired, #source = :source, #error = :error, completedAt = :now REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status', '#source': 'source', '#error': 'error' },
        ExpressionAttributeValues: marshall({
          ':run': 'reconciliationRun',
          ':status': end.status,
          ':counts': end.counts,
          ':repaired': end.repaired,
          ':source': end.source,
          ':error': end.error,
          ':now': end.now.toISOString(),
        }),
        ReturnValues: 'ALL_NEW',
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'finishReconciliationRun', out.ConsumedCapacity);
    return unmarshall(out.Attributes ?? {}) as unknown as RunItem;
  }

  /**
   * The channel-day's outcomes, page by page (a day may hold a million): the payments and refunds whose
   * outcome the channel reported for that day (GSI3, INCLUDE: what a run compares, nothing more).
   */
  async *expectations(channel: string, date: string): AsyncGenerator<Expectation> {
    for (const shard of backOfficeKeys.channelDayShards(channel, date)) yield* this.shardExpectations(shard);
  }

  private async *shardExpectations(partition: string): AsyncGenerator<Expectation> {
    const pages = queryPages(
      this.table,
      {
        IndexName: GSI3,
        KeyConditionExpression: 'GSI3PK = :pk',
        ExpressionAttributeValues: marshall({ ':pk': partition }),
      },
      'queryChannelDayOutcomes',
    );
    for await (const raw of pages) {
      const item = raw as unknown as OutcomeIndexEntry;
      const split = item.GSI3SK.indexOf('#');
      yield {
        type: item.GSI3SK.slice(0, split) as 'payment' | 'refund',
        reference: item.GSI3SK.slice(split + 1),
        channelReference: item.channelReference ?? null,
        amount: item.amount,
        currency: item.currency,
        status: item.status,
      };
    }
  }

  /** Earlier findings of the channel-day, by id. */
  async known(channel: string, date: string): Promise<Map<string, KnownDiscrepancy>> {
    const known = new Map<string, KnownDiscrepancy>();
    for await (const item of this.queryAll(backOfficeKeys.discrepancyDay(channel, date))) {
      known.set(String(item.SK), {
        status: item.status as KnownDiscrepancy['status'],
        note: (item.note as string | null) ?? null,
        createdAt: String(item.createdAt),
        kind: item.kind as KnownDiscrepancy['kind'],
        type: item.type as KnownDiscrepancy['type'],
        reference: (item.reference as string | null) ?? null,
      });
    }
    return known;
  }

  /** Writes findings (BatchWriteItem, 25 a call; unprocessed items retried with backoff). */
  async putDiscrepancies(items: readonly DiscrepancyItem[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let pending = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item) } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_WRITE_ATTEMPTS) throw new Error('BatchWriteItem left items unprocessed');
        if (attempt > 0) await sleep(backoffDelay(attempt, 50, 2_000));
        const out = await this.table.client.send(
          new BatchWriteItemCommand({
            RequestItems: { [this.table.tableName]: pending },
            ...capacityParam(this.table),
          }),
        );
        reportCapacity(this.table, 'putDiscrepancies', out.ConsumedCapacity);
        pending = (out.UnprocessedItems?.[this.table.tableName] ?? []) as typeof pending;
      }
    }
  }

  /**
   * A run's discrepancies, in id order, `limit` a page. @throws InvalidCursorError
   */
  async listForRun(
    run: RunItem,
    input: { readonly limit: number; readonly cursor?: string },
  ): Promise<{ data: DiscrepancyObject[]; nextCursor: string | null }> {
    let startKey: Record<string, unknown> | undefined;
    if (input.cursor) {
      const [owner, sk] = decodeOpaque(input.cursor, 2);
      if (owner !== run.id || typeof sk !== 'string' || !sk.startsWith('dsc_')) {
        throw new InvalidCursorError('not a cursor of this run');
      }
      startKey = { PK: backOfficeKeys.discrepancyDay(run.channel, run.date), SK: sk };
    }
    const data: DiscrepancyObject[] = [];
    let lastSk: string | undefined;
    // The filter runs after each page is read: keep reading until the page is full or the day ends.
    for (;;) {
      const out = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'PK = :pk',
          FilterExpression: 'runId = :run',
          ExpressionAttributeValues: marshall({
            ':pk': backOfficeKeys.discrepancyDay(run.channel, run.date),
            ':run': run.id,
          }),
          Limit: input.limit + 1 - data.length,
          ...(startKey ? { ExclusiveStartKey: marshall(startKey) } : {}),
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'listDiscrepancies', out.ConsumedCapacity);
      for (const raw of out.Items ?? []) {
        const item = unmarshall(raw) as DiscrepancyItem;
        if (data.length === input.limit) {
          return { data, nextCursor: encodeOpaque([run.id, lastSk]) };
        }
        data.push(discrepancyFromItem(item));
        lastSk = item.SK;
      }
      if (!out.LastEvaluatedKey) return { data, nextCursor: null };
      startKey = unmarshall(out.LastEvaluatedKey);
    }
  }

  /** @throws ObjectNotFoundError */
  async getDiscrepancy(id: string): Promise<DiscrepancyItem> {
    const day = channelDayOfDiscrepancy(id);
    const item = day ? await this.getItem(keys.discrepancy(day.channel, day.date, id)) : undefined;
    if (item?.entity !== 'discrepancy') throw new ObjectNotFoundError(id);
    return item as DiscrepancyItem;
  }

  /**
   * Sets `status` (and a note) on the discrepancy `id` when its status is one of `from`.
   * @returns the item as written, or `undefined` when it does not exist or its status was not in `from`.
   */
  async setStatus(
    id: string,
    to: DiscrepancyObject['status'],
    from: readonly DiscrepancyObject['status'][],
    note: string | null,
    now: Date,
  ): Promise<DiscrepancyItem | undefined> {
    const day = channelDayOfDiscrepancy(id);
    if (!day) throw new ObjectNotFoundError(id);
    const fromValues = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
    try {
      const out = await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: marshall(keys.discrepancy(day.channel, day.date, id)),
          ConditionExpression: `entity = :discrepancy AND #status IN (${Object.keys(fromValues).join(', ')})`,
          UpdateExpression: 'SET #status = :to, note = :note, updatedAt = :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ...fromValues,
            ':discrepancy': 'discrepancy',
            ':to': to,
            ':note': note,
            ':now': now.toISOString(),
          }),
          ReturnValues: 'ALL_NEW',
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'setDiscrepancyStatus', out.ConsumedCapacity);
      return unmarshall(out.Attributes ?? {}) as DiscrepancyItem;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Adds (`hold`) or removes a discrepancy id in a payment's `reconHolds` and in the settlement hold
   * registry (holds.ts); a payment that does not exist is left alone. Idempotent: a set holds each id once.
   */
  setPaymentHold(
    payment: { readonly slot: string; readonly merchantId: string },
    discrepancyId: string,
    hold: boolean,
  ): Promise<void> {
    return this.setPaymentHolds([{ payment, discrepancyId, hold }]);
  }

  /**
   * `setPaymentHold` for a batch: the payments' `reconHolds` (in parallel), then ONE request to the hold
   * registry with the changes of the payments that exist. Settlement reads only the registry, so a
   * payment is held once this returns.
   */
  async setPaymentHolds(changes: readonly PaymentHoldChange[]): Promise<void> {
    const existing = await Promise.all(changes.map((c) => this.markPayment(c)));
    const registry = changes
      .filter((_, i) => existing[i])
      .map((c) => ({
        merchantId: c.payment.merchantId,
        paymentId: `pay_${c.payment.slot}`,
        reason: c.discrepancyId,
        hold: c.hold,
      }));
    if (registry.length > 0) await this.holds.set(registry);
  }

  /** The discrepancy id added to or removed from the payment's `reconHolds`; false: no such payment. */
  private async markPayment({ payment, discrepancyId, hold }: PaymentHoldChange): Promise<boolean> {
    try {
      const out = await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: marshall(keys.object(payment.slot)),
          ConditionExpression: 'entity = :payment',
          UpdateExpression: `${hold ? 'ADD' : 'DELETE'} reconHolds :id`,
          ExpressionAttributeValues: marshall({ ':payment': 'payment', ':id': new Set([discrepancyId]) }),
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'setPaymentHold', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** A payment's or refund request's item at its slot (for merchant lookups), or `undefined`. */
  async objectAt(slot: string): Promise<Record<string, unknown> | undefined> {
    return this.getItem(keys.object(slot));
  }

  /** Any item by key (a refund under its payment), or `undefined`. */
  async itemAt(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    return this.getItem(key);
  }

  private queryAll(pk: string): AsyncGenerator<Record<string, unknown>> {
    return queryPages(
      this.table,
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: marshall({ ':pk': pk }) },
      'queryChannelDay',
    );
  }

  private getItem(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    return getItemConsistent(this.table, key, 'getReconciliationItem');
  }
}

export {
  channelDayOfDiscrepancy,
  type DiscrepancyItem,
  discrepancyFromItem,
  type KnownDiscrepancy,
  type RunItem,
  runFromItem,
} from '../reconciliation-items.js';
