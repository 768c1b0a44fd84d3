/** Seeds the items the configuration names, each unless an item with its key is already there. */
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SeedTable } from './config.js';
import type { LocalTable } from './tables.js';

/** The table a logical id (or its prefix, before CDK's hash) names; else the only table. */
export function tableNamed(tables: readonly LocalTable[], name: string | undefined): LocalTable | undefined {
  const exact = tables.find((t) => t.logicalId === name);
  if (exact) return exact;
  const named = name === undefined ? [] : tables.filter((t) => t.logicalId.startsWith(name));
  if (named.length === 1) return named[0];
  return tables.length === 1 ? tables[0] : undefined;
}

/**
 * Puts each item with a condition that its key is free, so a persisted database keeps what it has (a
 * restart seeds nothing twice and overwrites nothing). Answers how many items were new.
 */
export async function seedTables(
  client: DynamoDBClient,
  tables: readonly LocalTable[],
  seeds: readonly SeedTable[],
): Promise<number> {
  let written = 0;
  for (const seed of seeds) {
    const table = tableNamed(tables, seed.table);
    if (!table) throw new Error(`seed: no table ${seed.table} in the template`);
    const described = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
    const hashKey = described.Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    if (!hashKey) throw new Error(`seed: table ${table.tableName} has no hash key`);
    for (const item of seed.items) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: table.tableName,
            Item: marshall(item, { removeUndefinedValues: true }),
            ConditionExpression: 'attribute_not_exists(#k)',
            ExpressionAttributeNames: { '#k': hashKey },
          }),
        );
        written += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
  return written;
}
