/**
 * Which partition keys a DynamoDB call touches, and how many capacity units each: the base table's
 * partition key, and for every global secondary index the call writes (a Put or Update that sets, changes
 * or projects into an index) or reads (Query with IndexName), that index's partition key. DynamoDB's limit
 * of 1,000 write and 3,000 read units a second applies per partition key, per table and per index, so this
 * is what the hot-key report (hot-keys.ts) counts. Pure: the metering proxy supplies the request, the
 * answer's ConsumedCapacity (`INDEXES`) and, where a key cannot be read off the request (an Update's index
 * entry whose key it did not set), the item as committed.
 */
import { TABLE_GSIS, TABLE_KEY_SCHEMA } from '../../shared/store/table-definition.js';
import { type AttributeValue, itemSize, writeUnits } from './item-size.js';

export type Item = Record<string, AttributeValue>;

/** One partition key touched by a call: `index` is `table` or the GSI's name. */
export interface KeyAccess {
  readonly index: string;
  readonly pk: string;
  readonly write: boolean;
  readonly units: number;
}

export interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

interface Keyed {
  TableName: string;
  Key: Item;
}
interface UpdateInput extends Keyed {
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}
interface TransactItem {
  Put?: { TableName: string; Item: Item };
  Update?: UpdateInput;
  Delete?: Keyed;
  ConditionCheck?: Keyed;
}
interface Request {
  TableName?: string;
  Item?: Item;
  Key?: Item;
  IndexName?: string;
  ConsistentRead?: boolean;
  KeyConditionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  TransactItems?: TransactItem[] | Array<{ Get?: Keyed }>;
  RequestItems?: Record<
    string,
    { Keys?: Item[] } | Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>
  >;
}

/** A key attribute's value as text (`{ S: "MER#m_1" }` → `MER#m_1`). */
export function keyText(value: AttributeValue | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.S ?? value.N ?? value.B;
  return v === undefined ? undefined : String(v);
}

const PK = TABLE_KEY_SCHEMA.partitionKey.name;

/** Attribute name → `:value` of the simple assignments (`SET a = :v`) of an update expression. */
export function assignments(input: UpdateInput): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const m of (input.UpdateExpression ?? '').matchAll(/(#?[\w.]+)\s*=\s*(:\w+)/g)) {
    const name = m[1]?.startsWith('#') ? input.ExpressionAttributeNames?.[m[1]] : m[1];
    const value = m[2] ? input.ExpressionAttributeValues?.[m[2]] : undefined;
    if (name && value) out[name] = value;
  }
  return out;
}

/** Whether an update expression names `attribute` (directly or through a `#name`). */
function mentions(input: UpdateInput, attribute: string): boolean {
  const names = Object.values(input.ExpressionAttributeNames ?? {});
  return names.includes(attribute) || new RegExp(`\\b${attribute}\\b`).test(input.UpdateExpression ?? '');
}

/** The partition key value of a Query's key condition (`#pk = :pk` or `PK = :pk`). */
export function queryPartition(input: Request): string | undefined {
  const attribute = input.IndexName
    ? TABLE_GSIS.find((g) => g.indexName === input.IndexName)?.partitionKey.name
    : PK;
  for (const m of (input.KeyConditionExpression ?? '').matchAll(/(#?\w+)\s*=\s*(:\w+)/g)) {
    const name = m[1]?.startsWith('#') ? input.ExpressionAttributeNames?.[m[1]] : m[1];
    if (name === attribute && m[2]) return keyText(input.ExpressionAttributeValues?.[m[2]]);
  }
  return undefined;
}

/** The item as committed, read back by the proxy; undefined when it was not (or is gone). */
export type ItemAfter = (table: string, key: Item) => Item | undefined;

/** An index entry's partition key: set by the write itself, or read off the committed item. */
function indexKey(attribute: string, written: Item | undefined, key: Item, table: string, after: ItemAfter) {
  return keyText(written?.[attribute]) ?? keyText(after(table, key)?.[attribute]) ?? '?';
}

/**
 * GSIs a transaction's item writes and their partition keys (each index entry one unit: the entries are
 * keys and a few projected numbers, well under a KB). A Put writes the indexes whose keys it holds; an
 * Update those whose keys it names, or whose projected attributes it sets while the item is in the index.
 */
function transactIndexWrites(op: TransactItem, after: ItemAfter): KeyAccess[] {
  const out: KeyAccess[] = [];
  for (const g of TABLE_GSIS) {
    const { name: pkName } = g.partitionKey;
    if (op.Put) {
      const item = op.Put.Item;
      if (item[pkName] !== undefined && item[g.sortKey.name] !== undefined)
        out.push({ index: g.indexName, pk: keyText(item[pkName]) ?? '?', write: true, units: 1 });
    } else if (op.Update) {
      const u = op.Update;
      const committed = after(u.TableName, u.Key);
      const inIndex = committed?.[pkName] !== undefined && committed?.[g.sortKey.name] !== undefined;
      const projected = 'nonKeyAttributes' in g ? (g.nonKeyAttributes as readonly string[]) : [];
      const touches =
        mentions(u, pkName) ||
        mentions(u, g.sortKey.name) ||
        (inIndex && projected.some((a) => mentions(u, a)));
      if (touches)
        out.push({
          index: g.indexName,
          pk: indexKey(pkName, assignments(u), u.Key, u.TableName, after),
          write: true,
          units: 1,
        });
    }
  }
  return out;
}

/**
 * What AWS charges a committed TransactWriteItems, by partition key: 2 units per item per started KB
 * (ConditionCheck included) on its own key, plus its index writes. DynamoDB Local sizes the transaction as
 * one item, so the sizes are worked out here: a Put's from its item, an Update's or ConditionCheck's from
 * the item as committed, a Delete's as one KB (its item is gone).
 */
export function transactionAccesses(items: readonly TransactItem[], after: ItemAfter): KeyAccess[] {
  const out: KeyAccess[] = [];
  for (const op of items) {
    const keyed = op.Update ?? op.ConditionCheck ?? op.Delete;
    let size = 0;
    let pk: string | undefined;
    if (op.Put) {
      size = itemSize(op.Put.Item);
      pk = keyText(op.Put.Item[PK]);
    } else if (keyed) {
      const found = op.Delete ? undefined : after(keyed.TableName, keyed.Key);
      size = found ? itemSize(found) : 0;
      pk = keyText(keyed.Key[PK]);
    }
    out.push({ index: 'table', pk: pk ?? '?', write: true, units: writeUnits(size, true) });
    out.push(...transactIndexWrites(op, after));
  }
  return out;
}

const indexUnits = (c: ConsumedCapacity | undefined) =>
  Object.entries(c?.GlobalSecondaryIndexes ?? {}).filter(([, u]) => (u.CapacityUnits ?? 0) > 0);

const tableUnits = (c: ConsumedCapacity | undefined) => c?.Table?.CapacityUnits ?? c?.CapacityUnits ?? 0;

/** Spreads `units` evenly over `pks` (BatchGetItem and TransactGetItems report one figure per table). */
function spread(index: string, pks: readonly string[], units: number, write: boolean): KeyAccess[] {
  return pks.map((pk) => ({ index, pk, write, units: units / Math.max(1, pks.length) }));
}

/**
 * The partition keys a call touched (`consumed`: its answer's ConsumedCapacity, asked for with INDEXES).
 * TransactWriteItems is sized by `transactionAccesses` (its ConsumedCapacity is not AWS's).
 */
export function keyAccesses(
  operation: string,
  input: Request,
  consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
  after: ItemAfter,
): KeyAccess[] {
  const one = Array.isArray(consumed) ? consumed[0] : consumed;
  const table = input.TableName ?? '';
  switch (operation) {
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem': {
      const written = operation === 'PutItem' ? input.Item : assignments(input as UpdateInput);
      const key = input.Key ?? input.Item ?? {};
      const out: KeyAccess[] = [
        { index: 'table', pk: keyText(key[PK]) ?? '?', write: true, units: tableUnits(one) },
      ];
      for (const [index, u] of indexUnits(one)) {
        const attribute = TABLE_GSIS.find((g) => g.indexName === index)?.partitionKey.name ?? '';
        const pk = indexKey(attribute, written, key, table, after);
        out.push({ index, pk, write: true, units: u.CapacityUnits ?? 0 });
      }
      return out;
    }
    case 'GetItem':
      return [{ index: 'table', pk: keyText(input.Key?.[PK]) ?? '?', write: false, units: tableUnits(one) }];
    case 'Query':
      return [
        {
          index: input.IndexName ?? 'table',
          pk: queryPartition(input) ?? '?',
          write: false,
          units: one?.CapacityUnits ?? 0,
        },
      ];
    case 'Scan':
      return [
        { index: input.IndexName ?? 'table', pk: '<scan>', write: false, units: one?.CapacityUnits ?? 0 },
      ];
    case 'BatchGetItem': {
      const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
      return Object.entries(input.RequestItems ?? {}).flatMap(([name, request]) => {
        const keys = (request as { Keys?: Item[] }).Keys ?? [];
        const units = list.find((c) => c.TableName === name)?.CapacityUnits ?? 0;
        return spread(
          'table',
          keys.map((k) => keyText(k[PK]) ?? '?'),
          units,
          false,
        );
      });
    }
    case 'TransactGetItems': {
      const gets = (input.TransactItems ?? []) as Array<{ Get?: Keyed }>;
      const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce(
        (s, c) => s + (c?.CapacityUnits ?? 0),
        0,
      );
      return spread(
        'table',
        gets.map((g) => keyText(g.Get?.Key[PK]) ?? '?'),
        units,
        false,
      );
    }
    case 'BatchWriteItem':
      return Object.values(input.RequestItems ?? {}).flatMap((requests) =>
        (requests as Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>).flatMap((r) =>
          r.PutRequest
            ? transactionAccesses([{ Put: { TableName: table, Item: r.PutRequest.Item } }], after).map((a) =>
                a.index === 'table'
                  ? { ...a, units: writeUnits(itemSize(r.PutRequest?.Item ?? {}), false) }
                  : a,
              )
            : [{ index: 'table', pk: keyText(r.DeleteRequest?.Key[PK]) ?? '?', write: true, units: 1 }],
        ),
      );
    default:
      return [];
  }
}

/**
 * Keys whose committed item the proxy must read back (unmetered) before `keyAccesses` or
 * `transactionAccesses` can attribute the call: an Update that wrote an index entry whose partition key
 * it did not set, and a transaction's Updates and ConditionChecks (their sizes).
 */
export function keysToReadBack(
  operation: string,
  input: Request,
  consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
): Keyed[] {
  if (operation === 'TransactWriteItems')
    return ((input.TransactItems ?? []) as TransactItem[]).flatMap((op) => {
      const keyed = op.Update ?? op.ConditionCheck;
      return keyed ? [{ TableName: keyed.TableName, Key: keyed.Key }] : [];
    });
  if (operation !== 'UpdateItem' || !input.Key || !input.TableName) return [];
  const one = Array.isArray(consumed) ? consumed[0] : consumed;
  const set = assignments(input as UpdateInput);
  const missing = indexUnits(one).some(([index]) => {
    const attribute = TABLE_GSIS.find((g) => g.indexName === index)?.partitionKey.name ?? '';
    return set[attribute] === undefined;
  });
  return missing ? [{ TableName: input.TableName, Key: input.Key }] : [];
}

/**
 * The read units AWS bills a GetItem or BatchGetItem at the least, found or not: "If you perform a read
 * operation on an item that does not exist, DynamoDB still consumes provisioned read throughput: A strongly
 * consistent read request consumes one read capacity unit, while an eventually consistent read request
 * consumes 0.5 of a read capacity unit" (Amazon DynamoDB Developer Guide, read capacity units; on demand,
 * read request units alike). DynamoDB Local reports 0 for a key it did not find, so the meter takes the
 * larger of this and what it reported. Keys a BatchGetItem left unprocessed are not read (nor billed).
 */
export function minimumReadUnits(
  operation: string,
  input: Pick<Request, 'ConsistentRead' | 'RequestItems'>,
  response: { readonly UnprocessedKeys?: Record<string, { Keys?: readonly unknown[] }> },
): number {
  const perKey = (consistent: unknown) => (consistent === true ? 1 : 0.5);
  if (operation === 'GetItem') return perKey(input.ConsistentRead);
  if (operation !== 'BatchGetItem') return 0;
  let units = 0;
  for (const [name, request] of Object.entries(input.RequestItems ?? {})) {
    const r = request as { Keys?: readonly unknown[]; ConsistentRead?: boolean };
    const read = (r.Keys?.length ?? 0) - (response.UnprocessedKeys?.[name]?.Keys?.length ?? 0);
    units += Math.max(0, read) * perKey(r.ConsistentRead);
  }
  return units;
}
