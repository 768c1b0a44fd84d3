/**
 * BatchGetItem by 100 keys (the chunks in parallel), unprocessed keys retried with backoff: the one
 * batch read of the stores, so a bundle carries one copy of it. Used for the sharded counters (quota
 * usage, daily amounts: strongly consistent, `total` only), the channels' records and outcome counts.
 */
import { type AttributeValue, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { backoffDelay, capacityParam, reportCapacity, sleep, type TableContext } from './table.js';

const ATTEMPTS = 5;

type Key = Record<string, AttributeValue>;

export interface BatchGetOptions {
  /** Reported with the consumed capacity, and named when keys stay unprocessed. */
  readonly operation: string;
  readonly consistent?: boolean;
  /** Only these attributes (names, bound as `#p0`, `#p1`…). */
  readonly attributes?: readonly string[];
}

/** The items found among `keys` (marshalled), unmarshalled, in no particular order. */
export async function batchGetItems(
  table: TableContext,
  keys: readonly Key[],
  options: BatchGetOptions,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const chunks: Key[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const names = Object.fromEntries((options.attributes ?? []).map((a, i) => [`#p${i}`, a]));
  const projection = options.attributes
    ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names }
    : {};
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= ATTEMPTS)
          throw new Error(`${options.operation}: BatchGetItem left keys unprocessed after retries`);
        if (attempt > 0) await sleep(backoffDelay(attempt));
        const out = await table.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [table.tableName]: { Keys: pending, ConsistentRead: options.consistent, ...projection },
            },
            ...capacityParam(table),
          }),
        );
        reportCapacity(table, options.operation, out.ConsumedCapacity);
        for (const raw of out.Responses?.[table.tableName] ?? []) found.push(unmarshall(raw));
        pending = out.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
      }
    }),
  );
  return found;
}

/** The `total` of each item found among `keys`, by PK (strongly consistent, only PK and `total` read). */
export async function readTotals(
  table: TableContext,
  keys: ReadonlyArray<{ PK: string; SK: string }>,
  operation: string,
): Promise<Map<string, number>> {
  const items = await batchGetItems(
    table,
    keys.map((k) => marshall(k)),
    { operation, consistent: true, attributes: ['PK', 'total'] },
  );
  return new Map(items.map((item) => [String(item.PK), Number(item.total ?? 0)]));
}
