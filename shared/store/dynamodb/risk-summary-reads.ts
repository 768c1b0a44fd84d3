/**
 * The read side of the daily risk summaries (risk-summaries.ts writes them): one GetItem per shard of
 * the merchant-day (SUMMARY_SHARDS, in parallel), summed, answered as counts, amounts per currency and
 * the top reasons. Ops read a day rarely; the writes are what the shards spread.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../keys.js';
import { riskKeys, SUMMARY_SHARDS } from '../risk-keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** How many reasons the summary lists. */
export const TOP_REASONS = 10;

export interface RiskSummary {
  readonly merchantId: string;
  readonly date: string;
  readonly assessed: number;
  readonly approved: number;
  readonly reviewed: number;
  readonly rejected: number;
  readonly refusedBefore: number;
  /** Per currency, minor units. */
  readonly amounts: {
    readonly reviewed: Record<string, number>;
    readonly rejected: Record<string, number>;
    readonly refusedBefore: Record<string, number>;
  };
  readonly topReasons: Array<{ reason: string; count: number }>;
}

export class DynamoRiskSummaryReader {
  constructor(private readonly table: TableContext) {}

  /** Whether the merchant exists (ops routes answer 404 otherwise). */
  async merchantExists(merchantId: string): Promise<boolean> {
    if (merchantId.length === 0) return false;
    const out = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: marshall(keys.merchant(merchantId)),
        ProjectionExpression: 'PK',
      }),
    );
    return out.Item !== undefined;
  }

  async get(merchantId: string, day: string): Promise<RiskSummary> {
    const shards = await Promise.all(
      Array.from({ length: SUMMARY_SHARDS }, async (_, shard) => {
        const out = await this.table.client.send(
          new GetItemCommand({
            TableName: this.table.tableName,
            Key: marshall(riskKeys.summary(merchantId, day, shard)),
            ...capacityParam(this.table),
          }),
        );
        reportCapacity(this.table, 'risk.summary.get', out.ConsumedCapacity);
        return out.Item ? unmarshall(out.Item) : {};
      }),
    );
    return summaryFromItem(merchantId, day, sumShards(shards));
  }
}

/** The counters of a merchant-day's shards, added up attribute by attribute (keys left out). */
export function sumShards(items: ReadonlyArray<Record<string, unknown>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const item of items)
    for (const [k, v] of Object.entries(item)) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
  return sum;
}

/** The summary as ops read it; a day without activity is all zeros. */
export function summaryFromItem(
  merchantId: string,
  date: string,
  item: Record<string, unknown>,
): RiskSummary {
  const count = (name: string) => Number(item[name] ?? 0);
  const amounts = (kind: string) => {
    const prefix = `amt_${kind}_`;
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(item))
      if (k.startsWith(prefix)) out[k.slice(prefix.length)] = Number(v);
    return out;
  };
  const topReasons = Object.entries(item)
    .filter(([k]) => k.startsWith('rsn_'))
    .map(([k, v]) => ({ reason: k.slice('rsn_'.length), count: Number(v) }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1))
    .slice(0, TOP_REASONS);
  return {
    merchantId,
    date,
    assessed: count('assessed'),
    approved: count('approved'),
    reviewed: count('reviewed'),
    rejected: count('rejected'),
    refusedBefore: count('refusedBefore'),
    amounts: {
      reviewed: amounts('reviewed'),
      rejected: amounts('rejected'),
      refusedBefore: amounts('refusedBefore'),
    },
    topReasons,
  };
}
