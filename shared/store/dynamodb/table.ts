/**
 * What every DynamoDB adapter needs: the client, the table, and an optional hook that receives the
 * capacity each call consumed (the benchmark counts write units with it; production leaves it unset,
 * so no call asks DynamoDB for capacity figures it would not use).
 */
import type {
  AttributeValue,
  ConsumedCapacity,
  DynamoDBClient,
  TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

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
