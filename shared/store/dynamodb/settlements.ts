/**
 * DynamoDB adapter of settlement (keys.ts): a merchant's settlement state (watermarks, payments held
 * out), its settlements and their ledger entries. The merchants settled are the gateway's (its registry,
 * asked of its function), the payments held out are risk's (its hold registry, asked of its `held-payments`
 * function), the line items are core's (GSI2 over the succeeded payments and refunds themselves, by commit
 * time, sharded: settlement-lines.ts), asked of core's function. Nothing here writes per payment: a
 * settlement reads its line items and writes
 * one item per currency, one ledger item per currency, and the state — in one transaction, guarded by the
 * state's version, so a retried or concurrent settle of the same merchant commits at most once.
 */
import {
  ConditionalCheckFailedException,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { LineItem } from '../../domain/settlement/accumulate.js';
import type { LedgerEntry } from '../../domain/settlement/ledger.js';
import { HELD_PAYMENTS_PAGE } from '../../internal/held-payments.js';
import { SETTLEMENT_LINES_PAGE } from '../../internal/settlement-lines.js';
import { ConcurrentModificationError, ObjectNotFoundError } from '../errors.js';
import { idempotencySlot } from '../idempotency.js';
import { backOfficeKeys, keys } from '../keys.js';
import { heldPaymentsPage } from './holds.js';
import { putListedRun } from './run-list.js';
import { settlementLinesPage } from './settlement-lines.js';
import { allPages } from './shard-pages.js';
import {
  capacityParam,
  getItemConsistent,
  type Item,
  queryPages,
  reportCapacity,
  type TableContext,
} from './table.js';

/** A payment an earlier settlement held out, carried until it is released. */
export interface HeldOut {
  readonly type: 'payment';
  readonly amount: number;
  readonly currency: string;
  readonly occurredAt: string;
  /** The channel it succeeded at (carried since line items know it). */
  readonly channel?: string | undefined;
}

export interface SettlementState {
  /** Line items committed from here on (GSI2SK, ISO 8601) are not settled yet: the mark never moves back. */
  readonly settledTo: string;
  readonly heldOut: Readonly<Record<string, HeldOut>>;
  readonly version: number;
  /** The run whose settle committed last, and the settlements it made (a retried task answers them). */
  readonly lastRunId?: string;
  readonly lastSettlementIds?: readonly string[];
}

/** '0' sorts before every ISO timestamp (a key condition cannot take an empty string). */
export const INITIAL_STATE: SettlementState = { settledTo: '0', heldOut: {}, version: 0 };

export type SettlementStatus = 'pending_payout' | 'paid' | 'payout_failed' | 'no_payout';

export interface SettlementItem {
  PK: string;
  SK: string;
  entity: 'settlement';
  id: string;
  merchantId: string;
  currency: string;
  periodEnd: string;
  grossAmount: number;
  refundedAmount: number;
  feeAmount: number;
  netAmount: number;
  paymentCount: number;
  refundCount: number;
  heldCount: number;
  heldAmount: number;
  releasedCount: number;
  releasedAmount: number;
  status: SettlementStatus;
  payout: { id: string; amount: number; bankReference: string | null; paidAt: string } | null;
  payoutError: string | null;
  runId: string;
  /**
   * The channel fee schedules (in this currency) that priced its payments, by channel; a payment whose
   * channel is not here was priced with the merchant's pricing. Absent on settlements made before.
   */
  fees?: Record<string, { percentBps: number; fixed: number }>;
  /** What the settlement covered, for its line items (`?format=csv`). */
  windows: {
    /** [from, to): the commit times of the line items it settled. */
    period: [string, string];
    /** Payments held earlier that this settlement takes (outside its windows). */
    released: { id: string; amount: number; occurredAt: string; channel?: string }[];
    /** Payments of its windows it left out, held. */
    heldOut: string[];
  };
  createdAt: string;
  updatedAt: string;
}

export class DynamoSettlementStore {
  constructor(private readonly table: TableContext) {}

  async state(merchantId: string): Promise<SettlementState> {
    const item = await this.getItem(backOfficeKeys.settlementState(merchantId));
    return item ? (item.state as SettlementState) : INITIAL_STATE;
  }

  /**
   * Payments held out of settlement now, read directly (risk's read, holds.ts): what risk's `held-payments`
   * function answers page by page, for tests and tools with the table.
   */
  async heldPayments(merchantId: string): Promise<Set<string>> {
    const held = new Set<string>();
    for await (const id of allPages((cursor) =>
      heldPaymentsPage(this.table, { merchantId, limit: HELD_PAYMENTS_PAGE, cursor }),
    ))
      held.add(id);
    return held;
  }

  /**
   * The merchant's line items committed in [from, to), read directly (core's read, settlement-lines.ts):
   * what core's `settlement-lines` function answers page by page, for tests and tools with the table.
   */
  async *lineItems(merchantId: string, period: readonly [string, string]): AsyncGenerator<LineItem> {
    yield* allPages((cursor) =>
      settlementLinesPage(this.table, { merchantId, period, limit: SETTLEMENT_LINES_PAGE, cursor }),
    );
  }

  /**
   * Commits a merchant's settle: its settlements, their ledger entries and the new state, or nothing.
   * @throws ConcurrentModificationError when the state moved since it was read (another settle).
   */
  async commit(input: {
    readonly merchantId: string;
    readonly previous: SettlementState;
    readonly next: SettlementState;
    readonly settlements: readonly SettlementItem[];
    readonly ledger: readonly {
      readonly settlementId: string;
      readonly currency: string;
      readonly entries: readonly LedgerEntry[];
    }[];
  }): Promise<void> {
    const stateKey = backOfficeKeys.settlementState(input.merchantId);
    const items = [
      ...input.settlements.map((s) => ({
        Put: {
          TableName: this.table.tableName,
          Item: marshall(s),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      })),
      ...input.ledger.map((l) => ({
        Put: {
          TableName: this.table.tableName,
          Item: marshall({
            ...backOfficeKeys.ledger(input.merchantId, l.currency, l.settlementId, 'settlement'),
            entity: 'ledger',
            entries: l.entries,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      })),
      {
        Put: {
          TableName: this.table.tableName,
          Item: marshall(
            { ...stateKey, entity: 'settlementState', state: input.next },
            { removeUndefinedValues: true },
          ),
          ConditionExpression:
            input.previous.version === 0 ? 'attribute_not_exists(PK)' : '#state.version = :version',
          ...(input.previous.version === 0
            ? {}
            : {
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: marshall({ ':version': input.previous.version }),
              }),
        },
      },
    ];
    try {
      const out = await this.table.client.send(
        new TransactWriteItemsCommand({ TransactItems: items, ...capacityParam(this.table) }),
      );
      reportCapacity(this.table, 'commitSettlement', out.ConsumedCapacity);
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConcurrentModificationError(error);
      throw error;
    }
  }

  /** One settlement by its key (what the state machine carries): one GetItem. */
  async settlementAt(
    merchantId: string,
    periodEnd: string,
    currency: string,
  ): Promise<SettlementItem | undefined> {
    const item = await this.getItem(keys.settlement(merchantId, periodEnd, currency));
    return item?.entity === 'settlement' ? (item as unknown as SettlementItem) : undefined;
  }

  /** One settlement by id alone (the merchant route): a scan of the merchant's settlements. */
  async settlement(merchantId: string, id: string): Promise<SettlementItem | undefined> {
    for await (const item of this.query({
      pk: backOfficeKeys.settlementsOf(merchantId),
      beginsWith: 'STL#',
    })) {
      if (item.id === id) return item as unknown as SettlementItem;
    }
    return undefined;
  }

  /** A merchant's settlements, newest period first, `limit` a page. */
  async list(merchantId: string, limit: number, startKey?: Item) {
    const out = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :stl)',
        ExpressionAttributeValues: marshall({
          ':pk': backOfficeKeys.settlementsOf(merchantId),
          ':stl': 'STL#',
        }),
        ScanIndexForward: false,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'listSettlements', out.ConsumedCapacity);
    return {
      items: (out.Items ?? []).map((i) => unmarshall(i) as SettlementItem),
      lastKey: out.LastEvaluatedKey,
    };
  }

  /** A merchant-currency's ledger entries, all of them (one item per settlement or payout). */
  async ledgerEntries(merchantId: string, currency: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for await (const item of this.query({ pk: backOfficeKeys.ledgerOf(merchantId, currency) })) {
      entries.push(...(item.entries as LedgerEntry[]));
    }
    return entries;
  }

  /**
   * Records a payout on its settlement (status `pending_payout` → `paid`) with its ledger entries, once.
   * @returns false when the settlement was no longer pending (an earlier attempt recorded it).
   */
  async recordPayout(
    settlement: SettlementItem,
    payout: NonNullable<SettlementItem['payout']>,
    entries: readonly LedgerEntry[],
  ): Promise<boolean> {
    try {
      const out = await this.table.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.tableName,
                Key: marshall({ PK: settlement.PK, SK: settlement.SK }),
                ConditionExpression: '#status = :pending',
                UpdateExpression: 'SET #status = :paid, payout = :payout, updatedAt = :now',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: marshall({
                  ':pending': 'pending_payout',
                  ':paid': 'paid',
                  ':payout': payout,
                  ':now': payout.paidAt,
                }),
              },
            },
            {
              Put: {
                TableName: this.table.tableName,
                Item: marshall({
                  ...backOfficeKeys.ledger(
                    settlement.merchantId,
                    settlement.currency,
                    settlement.id,
                    'payout',
                  ),
                  entity: 'ledger',
                  entries,
                }),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'recordPayout', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /** Marks a settlement whose payout failed after every retry. */
  async recordPayoutFailure(settlement: SettlementItem, error: string, now: Date): Promise<void> {
    try {
      const out = await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: marshall({ PK: settlement.PK, SK: settlement.SK }),
          ConditionExpression: '#status = :pending',
          UpdateExpression: 'SET #status = :failed, payoutError = :error, updatedAt = :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':pending': 'pending_payout',
            ':failed': 'payout_failed',
            ':error': error,
            ':now': now.toISOString(),
          }),
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'recordPayoutFailure', out.ConsumedCapacity);
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  private async *query(q: {
    readonly pk: string;
    readonly beginsWith?: string;
  }): AsyncGenerator<Record<string, unknown>> {
    const values: Record<string, string> = { ':pk': q.pk };
    if (q.beginsWith) values[':p'] = q.beginsWith;
    yield* queryPages(
      this.table,
      {
        KeyConditionExpression: q.beginsWith ? 'PK = :pk AND begins_with(SK, :p)' : 'PK = :pk',
        ExpressionAttributeValues: marshall(values),
      },
      'querySettlement',
    );
  }

  private getItem(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    return getItemConsistent(this.table, key, 'getSettlementItem');
  }
}

export const SETTLEMENT_RUN_ID_PREFIX = 'str_';
const SETTLEMENT_RUN_ID = /^str_([a-z2-7]{26})$/;

export interface SettlementRunItem {
  PK: string;
  SK: string;
  entity: 'settlementRun';
  id: string;
  date: string;
  status: 'running' | 'succeeded' | 'failed';
  settlements: number;
  error: string | null;
  requestFingerprint: string;
  createdAt: string;
  completedAt: string | null;
}

/**
 * Settlement runs: created at their Idempotency-Key slot (`str_<slot>`, the item its own idempotency
 * record), then ended by the state machine's last state.
 */
export class DynamoSettlementRunStore {
  constructor(private readonly table: TableContext) {}

  /** @returns the run and whether it was created now. @throws IdempotencyKeyReusedError */
  async create(input: {
    readonly callerId: string;
    readonly idempotencyKey: string;
    readonly requestFingerprint: string;
    readonly date: string;
    readonly now: Date;
  }): Promise<{ run: SettlementRunItem; created: boolean }> {
    const slot = idempotencySlot(input.callerId, input.idempotencyKey);
    const run: SettlementRunItem = {
      ...keys.object(slot),
      entity: 'settlementRun',
      id: `${SETTLEMENT_RUN_ID_PREFIX}${slot}`,
      date: input.date,
      status: 'running',
      settlements: 0,
      error: null,
      requestFingerprint: input.requestFingerprint,
      createdAt: input.now.toISOString(),
      completedAt: null,
    };
    // With its entry in the ops list of runs (run-list.ts), in the same transaction.
    const put = await putListedRun(this.table, 'settlement', run, 'createSettlementRun');
    return put.created ? { run, created: true } : { run: put.existing, created: false };
  }

  /** @throws ObjectNotFoundError */
  async get(id: string): Promise<SettlementRunItem> {
    const slot = SETTLEMENT_RUN_ID.exec(id)?.[1];
    const item = slot
      ? await getItemConsistent(this.table, keys.object(slot), 'getSettlementRun')
      : undefined;
    if (item?.entity !== 'settlementRun') throw new ObjectNotFoundError(id);
    return item as unknown as SettlementRunItem;
  }

  /** Ends a run (the state machine's last state, or its Catch). */
  async finish(
    id: string,
    end: { status: 'succeeded' | 'failed'; settlements: number; error: string | null; now: Date },
  ) {
    const run = await this.get(id);
    const out = await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: marshall({ PK: run.PK, SK: run.SK }),
        UpdateExpression: 'SET #status = :status, settlements = :n, #error = :error, completedAt = :now',
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: marshall({
          ':status': end.status,
          ':n': end.settlements,
          ':error': end.error,
          ':now': end.now.toISOString(),
        }),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'finishSettlementRun', out.ConsumedCapacity);
  }
}
