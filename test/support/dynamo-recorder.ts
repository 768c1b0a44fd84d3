/**
 * A recorder of DynamoDB calls, on the DynamoDB proxy (dynamo-proxy.ts): each function talks to it at its
 * own path (`/<logical id>`), and it records every request as DynamoDB authorizes it (the action, the
 * table or index, the partition keys named); the request goes on unchanged. A transaction is recorded per
 * item, as IAM authorizes `TransactWriteItems` (PutItem, UpdateItem, DeleteItem, ConditionCheckItem on
 * each item).
 */

import { TABLE_GSIS, TABLE_KEY_SCHEMA } from '../../shared/store/table-definition.js';
import { startDynamoProxy } from './dynamo-proxy.js';

type Value = { S?: string };
type Keyed = { TableName?: string; Key?: Record<string, Value>; Item?: Record<string, Value> };

export interface RecordedCall {
  readonly caller: string;
  readonly action: string;
  readonly table: string;
  readonly index?: string;
  readonly leadingKeys: readonly string[];
}

const PARTITION_KEY: Record<string, string> = Object.fromEntries([
  ['table', TABLE_KEY_SCHEMA.partitionKey.name],
  ...TABLE_GSIS.map((g) => [g.indexName, g.partitionKey.name]),
]);

const pkOf = (keyed: Keyed) => String((keyed.Key ?? keyed.Item)?.[PARTITION_KEY.table ?? 'PK']?.S ?? '');

/** The partition key value a Query's KeyConditionExpression sets (`<pk> = :v`, names resolved). */
function queriedKey(input: Record<string, any>): string {
  const attribute = PARTITION_KEY[input.IndexName ?? 'table'];
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  for (const [, name, value] of String(input.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    if ((names[name ?? ''] ?? name) === attribute)
      return String(input.ExpressionAttributeValues?.[value ?? '']?.S);
  }
  return '<no partition key>';
}

/** What IAM authorizes for one DynamoDB JSON request. */
export function callsOf(caller: string, operation: string, input: Record<string, any>): RecordedCall[] {
  const one = (action: string, keyed: Keyed, leadingKeys = [pkOf(keyed)]) => ({
    caller,
    action: `dynamodb:${action}`,
    table: String(keyed.TableName),
    leadingKeys,
  });
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [one(operation, input)];
    case 'Query':
      return [
        {
          ...one('Query', input, [queriedKey(input)]),
          ...(input.IndexName ? { index: input.IndexName } : {}),
        },
      ];
    case 'Scan':
      return [{ ...one('Scan', input, []), ...(input.IndexName ? { index: input.IndexName } : {}) }];
    case 'BatchGetItem':
      return Object.entries(input.RequestItems as Record<string, { Keys: Keyed['Key'][] }>).map(
        ([table, r]) =>
          one(
            'BatchGetItem',
            { TableName: table },
            r.Keys.map((Key) => pkOf({ Key })),
          ),
      );
    case 'BatchWriteItem':
      return Object.entries(input.RequestItems as Record<string, Record<string, Keyed>[]>).map(
        ([table, rs]) =>
          one(
            'BatchWriteItem',
            { TableName: table },
            rs.map((r) => pkOf(r.PutRequest ?? r.DeleteRequest ?? {})),
          ),
      );
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return (input.TransactItems as Record<string, Keyed>[]).flatMap((item) =>
        Object.entries(item).map(([kind, keyed]) =>
          one(kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`, keyed),
        ),
      );
    default:
      return [{ caller, action: `dynamodb:${operation}`, table: String(input.TableName), leadingKeys: [] }];
  }
}

export interface DynamoRecorder {
  endpointFor(caller: string): string;
  readonly calls: RecordedCall[];
  close(): Promise<void>;
}

/** Starts the recorder on a random loopback port, forwarding to `target` (DynamoDB Local). */
export async function startDynamoRecorder(target: string): Promise<DynamoRecorder> {
  const calls: RecordedCall[] = [];
  const proxy = await startDynamoProxy(target, {
    // Every request as sent, answered or not: what IAM would have been asked to authorize.
    observe: ({ caller, operation, input }) => {
      if (input) calls.push(...callsOf(caller, operation, input));
    },
  });
  return { endpointFor: proxy.endpointFor, calls, close: proxy.close };
}
