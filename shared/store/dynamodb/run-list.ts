/**
 * The ops lists of runs (keys.ts: `RUNS#<kind>` / `<createdAt>#<run id>`): the run is created at its
 * Idempotency-Key slot together with its list entry in ONE TransactWriteItems, so a run exists listed or
 * not at all; a page is a Query of the entries, newest first (optionally filtered), then ONE
 * BatchGetItem of the runs themselves, whose status and counts change after the entry is written.
 */
import {
  BatchGetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeOpaque, encodeOpaque } from '../cursor.js';
import { ConcurrentModificationError, IdempotencyKeyReusedError, InvalidCursorError } from '../errors.js';
import { backOfficeKeys, keys, type RunKind } from '../keys.js';
import {
  backoffDelay,
  capacityParam,
  claimItem,
  type Item,
  reportCapacity,
  sleep,
  type TableContext,
} from './table.js';

/** What a run item needs to be listed. */
interface RunLike {
  PK: string;
  SK: string;
  entity: string;
  id: string;
  requestFingerprint: string;
  createdAt: string;
  date: string;
  channel?: string;
}

/**
 * Creates `run` at its slot with its list entry, or answers the run already there for the same request.
 * @throws IdempotencyKeyReusedError when the slot holds another request.
 */
export async function putListedRun<T extends RunLike>(
  table: TableContext,
  kind: RunKind,
  run: T,
  operation: string,
): Promise<{ readonly created: true } | { readonly created: false; readonly existing: T }> {
  const entry = {
    ...backOfficeKeys.runListEntry(kind, run.createdAt, run.id),
    entity: 'runListEntry',
    id: run.id,
    date: run.date,
    ...(run.channel ? { channel: run.channel } : {}),
  };
  try {
    const out = await table.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          claimItem(table, run),
          { Put: { TableName: table.tableName, Item: marshall(entry) } },
        ],
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, operation, out.ConsumedCapacity);
    return { created: true };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [reason] = error.CancellationReasons ?? [];
    if (reason?.Code !== 'ConditionalCheckFailed') throw new ConcurrentModificationError(error);
    const existing = reason.Item ? unmarshall(reason.Item) : undefined;
    if (existing?.entity !== run.entity || existing.requestFingerprint !== run.requestFingerprint)
      throw new IdempotencyKeyReusedError();
    return { created: false, existing: existing as T };
  }
}

/** Entries examined per request at most: a filter that matches little still answers promptly. */
const MAX_EXAMINED = 1_000;
const PAGE = 100;
const SORT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[a-z]+_[a-z2-7]{26}$/;

/** A page of `kind`'s runs, newest first, as stored (the caller maps them). @throws InvalidCursorError */
export async function listRuns(
  table: TableContext,
  kind: RunKind,
  query: {
    readonly limit: number;
    readonly cursor?: string;
    readonly channel?: string;
    readonly date?: string;
  },
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  const pk = backOfficeKeys.runList(kind);
  let startKey: Item | undefined = query.cursor
    ? marshall({ PK: pk, SK: sortKeyOf(query.cursor, kind) })
    : undefined;
  const filters: string[] = [];
  const values: Record<string, unknown> = { ':pk': pk };
  if (query.channel) {
    filters.push('channel = :channel');
    values[':channel'] = query.channel;
  }
  if (query.date) {
    filters.push('#date = :date');
    values[':date'] = query.date;
  }
  const entries: Record<string, unknown>[] = [];
  let examined = 0;
  let last: string | undefined;
  while (entries.length < query.limit && examined < MAX_EXAMINED) {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(query.date ? { ExpressionAttributeNames: { '#date': 'date' } } : {}),
        ExpressionAttributeValues: marshall(values),
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: PAGE,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, `${kind}Runs.list`, out.ConsumedCapacity);
    examined += out.ScannedCount ?? 0;
    for (const raw of out.Items ?? []) {
      const entry = unmarshall(raw);
      entries.push(entry);
      last = String(entry.SK);
      if (entries.length === query.limit) break;
    }
    if (entries.length === query.limit) break;
    startKey = out.LastEvaluatedKey;
    last = startKey ? String(unmarshall(startKey).SK) : undefined;
    if (!startKey) break;
  }
  const runs = await batchGetRuns(
    table,
    entries.map((e) => String(e.id)),
  );
  return {
    items: entries
      .map((e) => runs.get(String(e.id)))
      .filter((r): r is Record<string, unknown> => r !== undefined),
    nextCursor: last ? encodeOpaque([kind, last]) : null,
  };
}

function sortKeyOf(cursor: string, kind: RunKind): string {
  const [cursorKind, sortKey] = decodeOpaque(cursor, 2);
  if (cursorKind !== kind || typeof sortKey !== 'string' || !SORT_KEY.test(sortKey))
    throw new InvalidCursorError('not a cursor of this list');
  return sortKey;
}

/** The runs of `ids` (each `<prefix>_<slot>`), by id. */
async function batchGetRuns(
  table: TableContext,
  ids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  let pending: Item[] = ids.map((id) => marshall(keys.object(id.slice(id.indexOf('_') + 1))));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(backoffDelay(attempt));
    if (attempt >= 8) throw new Error('BatchGetItem left runs unprocessed');
    const out = await table.client.send(
      new BatchGetItemCommand({
        RequestItems: { [table.tableName]: { Keys: pending, ConsistentRead: true } },
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, 'runs.batchGet', out.ConsumedCapacity);
    for (const raw of out.Responses?.[table.tableName] ?? []) {
      const item = unmarshall(raw);
      found.set(String(item.id), item);
    }
    pending = out.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
  }
  return found;
}
