/**
 * One DynamoDB Local per test file, with the payments table created from the same definition the CDK
 * table uses. Call `stop()` in `after()`.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/src/dynamodb-local.js';
import { TABLE_GSIS, TABLE_KEY_SCHEMA, TTL_ATTRIBUTE } from '../../shared/store/table-definition.js';

export interface TestTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly endpoint: string;
  stop(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The index wait of runs against DynamoDB Local, which applies a write and its index entries at once (the
 * product's 10 s covers SDK retries and AWS's index propagation; keys.ts OUTCOME_INDEX_LAG_MS).
 */
export const LOCAL_INDEX_LAG_MS = 1_000;

/** A client for DynamoDB Local at `endpoint`. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
}

/** Creates the payments table (streams on) in the DynamoDB Local behind `client`. */
export async function createPaymentsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const attributes = new Map<string, string>([
    [TABLE_KEY_SCHEMA.partitionKey.name, TABLE_KEY_SCHEMA.partitionKey.type],
    [TABLE_KEY_SCHEMA.sortKey.name, TABLE_KEY_SCHEMA.sortKey.type],
  ]);
  const gsis: GlobalSecondaryIndex[] = TABLE_GSIS.map((g) => {
    attributes.set(g.partitionKey.name, g.partitionKey.type);
    attributes.set(g.sortKey.name, g.sortKey.type);
    return {
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: {
        ProjectionType: g.projection,
        ...('nonKeyAttributes' in g ? { NonKeyAttributes: [...g.nonKeyAttributes] } : {}),
      },
    };
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
        AttributeName,
        AttributeType: AttributeType as 'S',
      })),
      KeySchema: [
        { AttributeName: TABLE_KEY_SCHEMA.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE_KEY_SCHEMA.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: gsis,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

/** Starts DynamoDB Local in memory and creates a fresh payments table in it. */
export async function startTestTable(tableName = 'payments-test'): Promise<TestTable> {
  const local: DynamoDbLocal = await startDynamoDbLocal();
  const client = localClient(local.endpoint);
  try {
    await createPaymentsTable(client, tableName);
  } catch (error) {
    await local.stop();
    throw error;
  }
  return {
    client,
    tableName,
    endpoint: local.endpoint,
    async stop() {
      client.destroy();
      await local.stop();
    },
  };
}
