/**
 * Pages through a sharded index partition set (a merchant's line items, a channel-day's outcomes: keys.ts)
 * one bounded page at a time, for an owner's internal function that answers another service page by page.
 * The cursor is where the previous page stopped: the shard it was in and DynamoDB's LastEvaluatedKey
 * there, so no item is skipped or repeated whatever the page sizes, and the caller never sees a key.
 * Shards are read in order; an empty shard costs one Query (half a read unit).
 */
import { type AttributeValue, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { InvalidCursorError } from '../errors.js';
import { capacityParam, type Item, reportCapacity, type TableContext } from './table.js';

export interface ShardPage<T> {
  readonly items: T[];
  /** Where the next page starts; null once every shard is read. */
  readonly cursor: string | null;
}

export interface ShardQuery<T> {
  /** The partitions to read, in a fixed order (the cursor names one by its position). */
  readonly partitions: readonly string[];
  /** The Query of one partition (IndexName, KeyConditionExpression with `:pk`, values). */
  readonly query: (partition: string) => Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>;
  readonly map: (item: Record<string, unknown>) => T;
  /** At most this many items a page. */
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly operation: string;
}

interface Position {
  readonly shard: number;
  readonly key?: Item;
}

/** One page of a sharded read, from `cursor` (absent: the first shard's start). */
export async function readShardPage<T>(table: TableContext, q: ShardQuery<T>): Promise<ShardPage<T>> {
  let { shard, key } = decodeCursor(q.cursor, q.partitions.length);
  // A cursor resumes the partition it was issued for, never another (another merchant's, another day's).
  if (key && !Object.values(key).some((v) => v.S === q.partitions[shard]))
    throw new InvalidCursorError(NOT_OURS);
  const items: T[] = [];
  while (shard < q.partitions.length && items.length < q.limit) {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        ...q.query(q.partitions[shard] as string),
        Limit: q.limit - items.length,
        ...(key ? { ExclusiveStartKey: key } : {}),
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, q.operation, out.ConsumedCapacity);
    for (const raw of out.Items ?? []) items.push(q.map(unmarshall(raw)));
    key = out.LastEvaluatedKey;
    if (!key) shard += 1;
  }
  return {
    items,
    cursor: shard < q.partitions.length ? encodeCursor({ shard, ...(key ? { key } : {}) }) : null,
  };
}

/** Every item of a paged source, page after page (`fetch` answers a page from a cursor). */
export async function* allPages<T>(
  fetch: (
    cursor: string | undefined,
  ) => Promise<{ readonly items: readonly T[]; readonly cursor: string | null }>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    yield* page.items;
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
}

const NOT_OURS = 'not a page cursor of this read';

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** @throws InvalidCursorError for anything this module did not write (or for another set of shards). */
function decodeCursor(cursor: string | undefined, shards: number): { shard: number; key?: Item } {
  if (cursor === undefined) return { shard: 0 };
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(NOT_OURS);
  }
  const { shard, key } = (position ?? {}) as { shard?: unknown; key?: unknown };
  if (typeof shard !== 'number' || !Number.isInteger(shard) || shard < 0 || shard >= shards)
    throw new InvalidCursorError(NOT_OURS);
  if (key === undefined) return { shard };
  const isStringKey = (v: unknown) =>
    typeof v === 'object' && v !== null && typeof (v as { S?: unknown }).S === 'string';
  if (typeof key !== 'object' || key === null || !Object.values(key).every(isStringKey))
    throw new InvalidCursorError(NOT_OURS);
  return { shard, key: key as Record<string, AttributeValue> };
}
