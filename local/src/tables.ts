/**
 * Creates the template's `AWS::DynamoDB::Table`s in DynamoDB Local, streams and TTL included. The
 * CloudFormation properties carry the CreateTable API's own names, so they pass through almost as is.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
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
      log.info(`table ${tableName} exists (persisted), kept as is`);
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

async function describe(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
