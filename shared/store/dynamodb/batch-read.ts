/**
 * Strongly consistent BatchGetItem by 100 keys, unprocessed keys retried with backoff: how the
 * sharded counters (quota usage, daily amounts) are read back whole.
 */
import { type AttributeValue, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { backoffDelay, capacityParam, reportCapacity, sleep, type TableContext } from './table.js';

const ATTEMPTS = 5;

/** The `total` of each item found among `keys`, by PK (BatchGetItem by 100 keys, only PK and `total` read). */
export async function readTotals(
  table: TableContext,
  keys: ReadonlyArray<{ PK: string; SK: string }>,
  operation: string,
): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (let start = 0; start < keys.length; start += 100)
    await readChunk(table, keys.slice(start, start + 100), operation, totals);
  return totals;
}

async function readChunk(
  table: TableContext,
  keys: ReadonlyArray<{ PK: string; SK: string }>,
  operation: string,
  totals: Map<string, number>,
): Promise<void> {
  let pending: Record<string, AttributeValue>[] = keys.map((k) => marshall(k));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= ATTEMPTS)
      throw new Error(`${operation}: BatchGetItem left keys unprocessed after retries`);
    if (attempt > 0) await sleep(backoffDelay(attempt));
    const out = await table.client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [table.tableName]: {
            Keys: pending,
            ConsistentRead: true,
            ProjectionExpression: 'PK, #total',
            ExpressionAttributeNames: { '#total': 'total' },
          },
        },
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, operation, out.ConsumedCapacity);
    for (const raw of out.Responses?.[table.tableName] ?? []) {
      const item = unmarshall(raw);
      totals.set(String(item.PK), Number(item.total ?? 0));
    }
    pending = out.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
  }
}
