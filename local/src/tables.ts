/**
 * Creates the template's `AWS::DynamoDB::Table`s in DynamoDB Local, streams and TTL included. The
 * CloudFormation properties carry the CreateTable API's own names, so they pass through almost as is.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  QueryCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { Logger } from './log.js';
import { physicalName } from './resolve.js';
import { type CfnTemplate, resourcesOfType } from './template.js';

export interface LocalTable {
  readonly logicalId: string;
  readonly tableName: string;
  readonly arn: string;
  readonly streamArn?: string;
}

type Props = Record<string, unknown>;

/** The CreateTable request for a template table (exported for tests). */
export function createTableInput(tableName: string, props: Props): CreateTableCommandInput {
  const stream = props.StreamSpecification as { StreamViewType?: string } | undefined;
  const billing = (props.BillingMode as string | undefined) ?? 'PROVISIONED';
  const throughput = (p: unknown) =>
    billing === 'PAY_PER_REQUEST'
      ? undefined
      : ((p as object | undefined) ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
  const input = {
    TableName: tableName,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    BillingMode: billing,
    ProvisionedThroughput: throughput(props.ProvisionedThroughput),
    GlobalSecondaryIndexes: (props.GlobalSecondaryIndexes as Props[] | undefined)?.map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: g.Projection,
      ProvisionedThroughput: throughput(g.ProvisionedThroughput),
    })),
    LocalSecondaryIndexes: props.LocalSecondaryIndexes,
    StreamSpecification: stream?.StreamViewType
      ? { StreamEnabled: true, StreamViewType: stream.StreamViewType }
      : undefined,
  };
  return JSON.parse(JSON.stringify(input)) as CreateTableCommandInput;
}

/** Creates (or, with a persisted database, finds) every table of the template. */
export async function createTables(
  client: DynamoDBClient,
  template: CfnTemplate,
  log: Logger,
): Promise<LocalTable[]> {
  if (resourcesOfType(template, 'AWS::DynamoDB::GlobalTable').length > 0) {
    throw new Error(
      'AWS::DynamoDB::GlobalTable (CDK TableV2) is not emulated locally yet; use AWS::DynamoDB::Table',
    );
  }
  const tables: LocalTable[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    const props = resource.Properties ?? {};
    const tableName = physicalName(template, logicalId);
    let description = await describe(client, tableName);
    if (description) {
      const added = await addMissingIndexes(client, tableName, description, props);
      log.info(
        `table ${tableName} exists (persisted), kept as is${added.length > 0 ? `; indexes added: ${added.join(', ')}` : ''}`,
      );
    } else {
      description = (await client.send(new CreateTableCommand(createTableInput(tableName, props))))
        .TableDescription;
      const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
      if (ttl?.Enabled && ttl.AttributeName) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
          }),
        );
      }
      log.info(`table ${tableName} created${description?.LatestStreamArn ? ' (stream on)' : ''}`);
    }
    tables.push({
      logicalId,
      tableName,
      arn: description?.TableArn ?? '',
      ...(description?.LatestStreamArn ? { streamArn: description.LatestStreamArn } : {}),
    });
  }
  return tables;
}

/**
 * A persisted database made by an older template lacks the indexes added since: each is created (DynamoDB
 * Local fills it from the items already there), one per UpdateTable as DynamoDB requires.
 */
async function addMissingIndexes(
  client: DynamoDBClient,
  tableName: string,
  description: NonNullable<Awaited<ReturnType<typeof describe>>>,
  props: Props,
): Promise<string[]> {
  const existing = new Set((description.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  const wanted = createTableInput(tableName, props).GlobalSecondaryIndexes ?? [];
  const added: string[] = [];
  for (const index of wanted.filter((g) => !existing.has(g.IndexName))) {
    const names = new Set((index.KeySchema ?? []).map((k) => k.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: (props.AttributeDefinitions as AttributeDefinition[]).filter((a) =>
          names.has(a.AttributeName),
        ),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    await indexActive(client, tableName, index.IndexName ?? '');
    added.push(index.IndexName ?? '');
  }
  return added;
}

/**
 * Waits until DynamoDB Local has filled a new index from the items already stored: until then a Query on
 * it fails (InternalFailure), and the runtime must not serve before its indexes answer.
 */
async function indexActive(client: DynamoDBClient, tableName: string, indexName: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  // ACTIVE is not always the end of the fill in DynamoDB Local: a Query on the index is the proof.
  const answers = async (index: { KeySchema?: { AttributeName?: string; KeyType?: string }[] }) => {
    const key = index.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
    try {
      await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexName,
          KeyConditionExpression: '#k = :k',
          ExpressionAttributeNames: { '#k': key },
          ExpressionAttributeValues: { ':k': { S: 'probe' } },
          Limit: 1,
        }),
      );
      return true;
    } catch (error) {
      // A refused probe (another key type) is an answer too: only a failing index is not ready.
      return (error as { name?: string }).name === 'ValidationException';
    }
  };
  for (;;) {
    const table = await describe(client, tableName);
    const index = table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === indexName);
    if (
      (index?.IndexStatus === 'ACTIVE' || (index && index.IndexStatus === undefined)) &&
      (await answers(index))
    )
      return;
    if (Date.now() > deadline)
      throw new Error(`index ${indexName} of ${tableName} is still ${index?.IndexStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function describe(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
