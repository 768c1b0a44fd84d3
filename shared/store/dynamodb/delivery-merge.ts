/**
 * Newest-first pages over records spread across several partitions whose sort keys share one order
 * (webhook attempts: `DLV#<ISO time>#<attempt id>`, unique across the partitions): a scatter-gather
 * k-way merge by sort key, descending.
 *
 * Exact by construction: the page is the `limit` greatest sort keys below `before` over all partitions,
 * because a partition's records are only taken in its own order and the merge never takes one while a
 * partition that could hold a greater one is unread (an emptied buffer is refilled first). `before` (the
 * last sort key a page showed) is therefore a position in every partition at once, and the next page
 * starts strictly below it: no record is shown twice or skipped, whatever the spread.
 *
 * Cost: one Query per partition for the first, small slice (a page spread evenly needs few records of
 * each), then a Query per partition only where its slice ran out before the page was full.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { capacityParam, type Item, reportCapacity, type TableContext } from './table.js';

export interface MergeInput {
  /** Partition key values to merge. */
  readonly partitions: readonly string[];
  readonly limit: number;
  /** Only sort keys strictly below this one (the previous page's last). */
  readonly before?: string;
  /** Sort-key prefix of the records (other items may share the partitions). */
  readonly prefix?: string;
  readonly operation: string;
}

export interface MergedPage<T> {
  readonly items: T[];
  /** Some partition holds a record below the page's last one. */
  readonly more: boolean;
}

interface Cursor {
  readonly pk: string;
  buffer: Array<Record<string, unknown> & { SK: string }>;
  startKey: Item | undefined;
  started: boolean;
}

const exhausted = (c: Cursor) => c.started && c.startKey === undefined;

/** The first page of each partition is this share of the page (plus one), then full pages. */
function firstSlice(limit: number, partitions: number): number {
  return Math.min(limit, Math.ceil((2 * limit) / partitions) + 1);
}

export async function mergeNewestFirst<T extends { SK: string }>(
  table: TableContext,
  input: MergeInput,
): Promise<MergedPage<T>> {
  const prefix = input.prefix ?? 'DLV#';
  const cursors: Cursor[] = input.partitions.map((pk) => ({
    pk,
    buffer: [],
    startKey: undefined,
    started: false,
  }));

  async function fill(c: Cursor, size: number): Promise<void> {
    const values: Record<string, { S: string }> = { ':pk': { S: c.pk }, ':p': { S: prefix } };
    // Below `before`: BETWEEN is inclusive, so the record at `before` itself (in one partition) is dropped.
    if (input.before !== undefined) values[':before'] = { S: input.before };
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression:
          input.before !== undefined
            ? 'PK = :pk AND SK BETWEEN :p AND :before'
            : 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: size,
        ...(c.startKey ? { ExclusiveStartKey: c.startKey } : {}),
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, input.operation, out.ConsumedCapacity);
    c.started = true;
    c.startKey = out.LastEvaluatedKey;
    for (const raw of out.Items ?? []) {
      const item = unmarshall(raw) as Record<string, unknown> & { SK: string };
      if (item.SK !== input.before && item.SK.startsWith(prefix)) c.buffer.push(item);
    }
  }

  /** Every partition that may hold the next record has it in its buffer, or is read to the end. */
  async function refill(size: number): Promise<void> {
    for (;;) {
      const empty = cursors.filter((c) => c.buffer.length === 0 && !exhausted(c));
      if (empty.length === 0) return;
      await Promise.all(empty.map((c) => fill(c, c.started ? input.limit : size)));
    }
  }

  const items: T[] = [];
  const first = firstSlice(input.limit, cursors.length);
  await refill(first);
  while (items.length < input.limit) {
    let newest: Cursor | undefined;
    for (const c of cursors) {
      const head = c.buffer[0];
      if (head && (!newest || head.SK > (newest.buffer[0]?.SK ?? ''))) newest = c;
    }
    if (!newest) return { items, more: false };
    items.push(newest.buffer.shift() as unknown as T);
    if (newest.buffer.length === 0 && !exhausted(newest)) await refill(first);
  }
  await refill(first);
  return { items, more: cursors.some((c) => c.buffer.length > 0) };
}
