/**
 * The counts behind the ops overview, each answered by the service that owns the items (internal
 * functions: the overview holds no grant on them), with reads bounded by something other than payments:
 * - held payments (risk, functions/internal/hold-counts.ts): each merchant's holds (`HOLD#<merchant>`, one
 *   item per held payment), counted with `Select: COUNT` and a filter on the reason; the merchants are the
 *   gateway's registry pages the overview passes on. Reads grow with merchants and held payments, never
 *   with payments.
 * - open discrepancies (reconciliation, functions/internal/open-discrepancies.ts): the channel-days asked
 *   (`DSC#<channel>#<day>`), counted with `Select: COUNT` filtered on `status = open`: channels × days Queries.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { backOfficeKeys, keys } from '../keys.js';
import { capacityParam, type Item, reportCapacity, type TableContext } from './table.js';

const PARALLEL_QUERIES = 8;

/** Payments of `merchantIds` held for `reason` (a holds item lists every reason holding its payment). */
export async function countHolds(
  table: TableContext,
  merchantIds: readonly string[],
  reason: string,
): Promise<number> {
  const counts = await inParallel(merchantIds, (merchantId) =>
    count(table, {
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: 'contains(reasons, :reason)',
      ExpressionAttributeValues: marshall({ ':pk': keys.holds(merchantId), ':reason': reason }),
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
