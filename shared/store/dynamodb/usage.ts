/**
 * DynamoDB adapter of usage counters (keys.ts: `USAGE#<merchant>#<shard>` / `<day>#<route>`, and the
 * batch markers `USAGEBATCH#<batch id>#<chunk>`).
 *
 * A batch is applied exactly once: each transaction puts its marker (attribute_not_exists) together with
 * the counters' ADDs, so either both land or neither does, and a redelivered batch is refused whole by its
 * marker. Transactions of one batch are independent (each its own marker): a retry after a partial
 * failure applies only those that did not land.
 */
import {
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { transactionChunks, USAGE_SHARDS, type UsageCount, usageShardOf } from '../../usage/aggregate.js';
import { backOfficeKeys, keys } from '../keys.js';
import { TTL_ATTRIBUTE } from '../table-definition.js';
import { backoffDelay, capacityParam, reportCapacity, sleep, type TableContext } from './table.js';

/** Markers outlive every redelivery: async retries end within 6 h, the dead-letter queue keeps 14 days. */
export const USAGE_BATCH_TTL_SECONDS = 15 * 86_400;
/** Concurrent batches on one counter conflict; each conflict is retried with jittered backoff. */
const CONFLICT_ATTEMPTS = 8;

/** One day's usage of one route. */
export interface UsageRow {
  readonly date: string;
  readonly route: string;
  readonly requests: number;
  readonly errors: number;
  readonly created: number;
}

export interface AppliedBatch {
  /** Transactions applied now. */
  readonly applied: number;
  /** Transactions found already applied (a redelivery). */
  readonly duplicates: number;
}

export class DynamoUsageStore {
  constructor(private readonly table: TableContext) {}

  /** Adds a batch's counts once (idempotent by `batchId`). */
  async applyBatch(batchId: string, counts: readonly UsageCount[], now = new Date()): Promise<AppliedBatch> {
    const shard = usageShardOf(batchId);
    const expiresAt = Math.floor(now.getTime() / 1000) + USAGE_BATCH_TTL_SECONDS;
    let applied = 0;
    let duplicates = 0;
    const chunks = transactionChunks(counts);
    for (const [index, chunk] of chunks.entries()) {
      const items: TransactWriteItem[] = [
        {
          Put: {
            TableName: this.table.tableName,
            Item: marshall({
              ...backOfficeKeys.usageBatch(batchId, index),
              entity: 'usageBatch',
              counters: chunk.length,
              appliedAt: now.toISOString(),
              [TTL_ATTRIBUTE]: expiresAt,
            }),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...chunk.map((count) => this.counterUpdate(shard, count)),
      ];
      if (await this.transact(items)) applied += 1;
      else duplicates += 1;
    }
    return { applied, duplicates };
  }

  /**
   * A merchant's usage from `from` to `to` (inclusive days, `yyyy-mm-dd`), summed over the shards, sorted
   * by day then route.
   */
  async read(merchantId: string, from: string, to: string): Promise<UsageRow[]> {
    const rows = new Map<
      string,
      { date: string; route: string; requests: number; errors: number; created: number }
    >();
    const shards = Array.from({ length: USAGE_SHARDS }, (_, shard) => shard);
    await Promise.all(
      shards.map(async (shard) => {
        let start: Record<string, never> | undefined;
        do {
          const out = await this.table.client.send(
            new QueryCommand({
              TableName: this.table.tableName,
              KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
              ExpressionAttributeValues: marshall({
                ':pk': backOfficeKeys.usageShard(merchantId, shard),
                ':from': `${from}#`,
                ':to': `${to}#\uffff`,
              }),
              ...(start ? { ExclusiveStartKey: start } : {}),
              ...capacityParam(this.table),
            }),
          );
          reportCapacity(this.table, 'usage.read', out.ConsumedCapacity);
          for (const raw of out.Items ?? []) {
            const item = unmarshall(raw);
            const key = `${item.date}\u0000${item.route}`;
            const row = rows.get(key) ?? {
              date: item.date,
              route: item.route,
              requests: 0,
              errors: 0,
              created: 0,
            };
            row.requests += Number(item.requests ?? 0);
            row.errors += Number(item.errors ?? 0);
            row.created += Number(item.created ?? 0);
            rows.set(key, row);
          }
          start = out.LastEvaluatedKey as Record<string, never> | undefined;
        } while (start);
      }),
    );
    return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  }

  /** Whether the merchant exists (its record `MER#<merchant>` / `MER`). */
  async merchantExists(merchantId: string): Promise<boolean> {
    const out = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: marshall(keys.merchant(merchantId)),
        ProjectionExpression: 'PK',
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'merchant.get', out.ConsumedCapacity);
    return out.Item !== undefined;
  }

  private counterUpdate(shard: number, count: UsageCount): TransactWriteItem {
    return {
      Update: {
        TableName: this.table.tableName,
        Key: marshall(backOfficeKeys.usageCounter(count.merchantId, shard, count.date, count.route)),
        UpdateExpression:
          'SET entity = :entity, merchantId = :merchant, #date = :date, route = :route ADD requests :requests, errors :errors, created :created',
        ExpressionAttributeNames: { '#date': 'date' },
        ExpressionAttributeValues: marshall({
          ':entity': 'usageCounter',
          ':merchant': count.merchantId,
          ':date': count.date,
          ':route': count.route,
          ':requests': count.requests,
          ':errors': count.errors,
          ':created': count.created,
        }),
      },
    };
  }

  /** True when applied, false when its marker shows it applied before. */
  private async transact(items: TransactWriteItem[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.table.client.send(
          new TransactWriteItemsCommand({ TransactItems: items, ...capacityParam(this.table) }),
        );
        reportCapacity(this.table, 'usage.applyBatch', out.ConsumedCapacity);
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
        const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt + 1 >= CONFLICT_ATTEMPTS) throw error;
        await sleep(backoffDelay(attempt, 25, 1_000));
      }
    }
  }
}
