/**
 * A merchant's settlement line items, read by core, which owns them (GSI2 `SETL#<merchant>#<shard>`,
 * keys.ts): the payments and refunds that showed `succeeded` in a window of commit times, a bounded page
 * at a time across the shards. Settlement asks for them through core's `settlement-lines` function
 * (shared/internal/settlement-lines.ts); this is that function's read.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LineItem } from '../../domain/settlement/accumulate.js';
import { backOfficeKeys, GSI2 } from '../keys.js';
import { readShardPage, type ShardPage } from './shard-pages.js';
import type { TableContext } from './table.js';

export interface SettlementLinesQuery {
  readonly merchantId: string;
  /**
   * [from, to): commit times (GSI2SK). BETWEEN is inclusive, but a sort key `<time>#<type>#<id>` sorts
   * after the bare `to`, so one committed exactly at `to` is left out.
   */
  readonly period: readonly [string, string];
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** One page of the merchant's line items committed in the period (shard by shard, each by commit time). */
export function settlementLinesPage(
  table: TableContext,
  q: SettlementLinesQuery,
): Promise<ShardPage<LineItem>> {
  const [from, to] = q.period;
  if (from >= to) return Promise.resolve({ items: [], cursor: null });
  return readShardPage(table, {
    partitions: backOfficeKeys.settlementLineShards(q.merchantId),
    query: (pk) => ({
      IndexName: GSI2,
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK BETWEEN :a AND :b',
      ExpressionAttributeValues: marshall({ ':pk': pk, ':a': from, ':b': to }),
    }),
    map: lineItemOf,
    limit: q.limit,
    cursor: q.cursor,
    operation: 'querySettlement',
  });
}

/** A GSI2 entry (its INCLUDE projection) as the line item a settlement sums. */
function lineItemOf(item: Record<string, unknown>): LineItem {
  const [, type, id] = String(item.GSI2SK).split('#');
  return {
    type: type as LineItem['type'],
    id: String(id),
    amount: Number(item.amount),
    currency: String(item.currency) as LineItem['currency'],
    occurredAt: String(item.outcomeAt),
    ...(typeof item.channel === 'string' ? { channel: item.channel } : {}),
  };
}
