/**
 * What every DynamoDB adapter needs: the client, the table, and an optional hook that receives the
 * capacity each call consumed (the benchmark counts write units with it; production leaves it unset,
 * so no call asks DynamoDB for capacity figures it would not use).
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type ConsumedCapacity,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { IdempotencyKeyReusedError } from '../errors.js';
import { OUTCOME_INDEX_LAG_MS } from '../keys.js';

export type ConsumedCapacityHook = (operation: string, capacity: readonly ConsumedCapacity[]) => void;

export interface TableContext {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Called after each successful call with what it consumed (`ReturnConsumedCapacity: TOTAL`). */
  readonly onConsumedCapacity?: ConsumedCapacityHook;
}

export type Item = Record<string, AttributeValue>;

/** The `ReturnConsumedCapacity` parameter to spread into a request: only asked for when counted. */
export function capacityParam(table: TableContext): { ReturnConsumedCapacity?: 'TOTAL' } {
  return table.onConsumedCapacity ? { ReturnConsumedCapacity: 'TOTAL' } : {};
}

/** Hands an output's consumed capacity to the hook, if any. */
export function reportCapacity(
  table: TableContext,
  operation: string,
  capacity: ConsumedCapacity | readonly ConsumedCapacity[] | undefined,
): void {
  if (!table.onConsumedCapacity || capacity === undefined) return;
  table.onConsumedCapacity(operation, Array.isArray(capacity) ? capacity : [capacity as ConsumedCapacity]);
}

/** Full jitter backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function backoffDelay(attempt: number, baseMs = 20, capMs = 500): number {
  return Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the indexes hold every write committed before `startedAt` (a run's `createdAt`): until
 * `startedAt + OUTCOME_INDEX_LAG_MS` (keys.ts). A run normally starts later than that and does not wait;
 * never longer than the lag, whatever `startedAt` says.
 */
export async function untilIndexed(
  startedAt: string | Date,
  lagMs: number = OUTCOME_INDEX_LAG_MS,
): Promise<void> {
  const remaining = new Date(startedAt).getTime() + lagMs - Date.now();
  if (remaining > 0) await sleep(Math.min(remaining, lagMs));
}

/**
 * The transaction item that claims a key for `item` (an idempotency slot, mostly): a Put only if the key
 * is free, which returns the occupant on failure so the caller can replay it or report the key reused.
 */
export function claimItem(table: TableContext, item: object): TransactWriteItem {
  return {
    Put: {
      TableName: table.tableName,
      Item: marshall(item, { removeUndefinedValues: true }),
      ConditionExpression: 'attribute_not_exists(PK)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** One item by key, strongly consistent, unmarshalled; `undefined` when absent. */
export async function getItemConsistent(
  table: TableContext,
  key: { PK: string; SK: string },
  operation: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: marshall(key),
      ConsistentRead: true,
      ...capacityParam(table),
    }),
  );
  reportCapacity(table, operation, out.ConsumedCapacity);
  return out.Item ? unmarshall(out.Item) : undefined;
}

/** Every item a query matches, page after page, unmarshalled (the query's own `ExclusiveStartKey` is set here). */
export async function* queryPages(
  table: TableContext,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  operation: string,
): AsyncGenerator<Record<string, unknown>> {
  let startKey: Item | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        ...input,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, operation, out.ConsumedCapacity);
    for (const raw of out.Items ?? []) yield unmarshall(raw);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

/**
 * Creates an object that is its own idempotency record (a run at its Idempotency-Key slot): one
 * conditional PutItem. When the slot is taken by the same kind of object for the same request, answers
 * that object, for a replay.
 * @throws IdempotencyKeyReusedError when the slot holds another request (another body, or another kind).
 */
export async function putAtSlot<
  T extends { PK: string; SK: string; entity: string; requestFingerprint: string },
>(
  table: TableContext,
  item: T,
  operation: string,
): Promise<{ readonly created: true } | { readonly created: false; readonly existing: T }> {
  try {
    const out = await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall(item),
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, operation, out.ConsumedCapacity);
    return { created: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = error.Item ? unmarshall(error.Item) : await getItemConsistent(table, item, operation);
    if (existing?.entity !== item.entity || existing.requestFingerprint !== item.requestFingerprint) {
      throw new IdempotencyKeyReusedError();
    }
    return { created: false, existing: existing as T };
  }
}
