/**
 * The ops overview's counts, each with reads bounded by something other than payments (keys.ts):
 * - payments held for review: the settlement registry (`MERCHANTS`, one item per merchant) and each
 *   merchant's holds (`HOLD#<merchant>`, one item per held payment), counted with `Select: COUNT` and a
 *   filter on the `review` reason; the same reads settlement makes every day. Reads grow with merchants
 *   and held payments, never with payments.
 * - open discrepancies: the channel-days of the last `days` days (`DSC#<channel>#<day>`), counted with
 *   `Select: COUNT` filtered on `status = open`: channels × days Queries.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { backOfficeKeys, keys } from '../keys.js';
import { REVIEW_HOLD } from './holds.js';
import { capacityParam, type Item, queryPages, reportCapacity, type TableContext } from './table.js';

const PARALLEL_QUERIES = 8;

/** Payments held for an ops review, across merchants. */
export async function countOpenReviews(table: TableContext): Promise<number> {
  const merchants: string[] = [];
  for await (const item of queryPages(
    table,
    {
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: marshall({ ':pk': 'MERCHANTS' }),
      ProjectionExpression: 'SK',
    },
    'overview.merchants',
  ))
    merchants.push(String(item.SK));
  const counts = await inParallel(merchants, (merchantId) =>
    count(table, {
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: 'contains(reasons, :review)',
      ExpressionAttributeValues: marshall({ ':pk': keys.holds(merchantId), ':review': REVIEW_HOLD }),
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Discrepancies still open among the channel-days `days` (UTC `yyyy-mm-dd`) of `channels`. */
export async function countOpenDiscrepancies(
  table: TableContext,
  channels: readonly string[],
  days: readonly string[],
): Promise<number> {
  const partitions = channels.flatMap((channel) =>
    days.map((day) => backOfficeKeys.discrepancyDay(channel, day)),
  );
  const counts = await inParallel(partitions, (pk) =>
    count(table, {
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: marshall({ ':pk': pk, ':open': 'open' }),
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** The items a Query's filter keeps, counted page by page (`Select: COUNT` returns no items). */
async function count(
  table: TableContext,
  input: {
    KeyConditionExpression: string;
    FilterExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Item;
  },
): Promise<number> {
  let total = 0;
  let startKey: Item | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        ...input,
        Select: 'COUNT',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, 'overview.count', out.ConsumedCapacity);
    total += out.Count ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return total;
}

async function inParallel<T>(inputs: readonly T[], fn: (input: T) => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await fn(inputs[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_QUERIES, inputs.length) }, worker));
  return results;
}
