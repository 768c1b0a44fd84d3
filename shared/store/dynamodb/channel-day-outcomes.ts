/**
 * A channel-day's applied outcomes, read by core, which owns them (GSI3 `RECON#<channel>#<day>#<shard>`,
 * keys.ts): the payments and refunds whose outcome the channel reported for that UTC day, with what a
 * reconciliation run compares (INCLUDE projection), a bounded page at a time across the shards.
 * Reconciliation asks for them through core's `channel-day-outcomes` function
 * (shared/internal/channel-day-outcomes.ts); this is that function's read.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Expectation } from '../../domain/reconciliation/expectations.js';
import { backOfficeKeys, GSI3 } from '../keys.js';
import { readShardPage, type ShardPage } from './shard-pages.js';
import type { TableContext } from './table.js';

export interface ChannelDayOutcomesQuery {
  readonly channel: string;
  /** `yyyy-mm-dd` (UTC). */
  readonly date: string;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** A payment's or refund's entry in GSI3 (table-definition.ts: its projection). */
interface OutcomeIndexEntry {
  /** `<type>#<reference>` */
  GSI3SK: string;
  channelReference?: string;
  amount: number;
  currency: string;
  status: 'succeeded' | 'failed';
}

/** One page of the channel-day's outcomes (shard by shard; their order does not matter to a run). */
export function channelDayOutcomesPage(
  table: TableContext,
  q: ChannelDayOutcomesQuery,
): Promise<ShardPage<Expectation>> {
  return readShardPage(table, {
    partitions: backOfficeKeys.channelDayShards(q.channel, q.date),
    query: (pk) => ({
      IndexName: GSI3,
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: marshall({ ':pk': pk }),
    }),
    map: expectationOf,
    limit: q.limit,
    cursor: q.cursor,
    operation: 'queryChannelDayOutcomes',
  });
}

function expectationOf(raw: Record<string, unknown>): Expectation {
  const item = raw as unknown as OutcomeIndexEntry;
  const split = item.GSI3SK.indexOf('#');
  return {
    type: item.GSI3SK.slice(0, split) as 'payment' | 'refund',
    reference: item.GSI3SK.slice(split + 1),
    channelReference: item.channelReference ?? null,
    amount: item.amount,
    currency: item.currency,
    status: item.status,
  };
}
