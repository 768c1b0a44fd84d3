/**
 * How many expected outcomes the reconciliation consumer has recorded for a channel-day, read straight
 * from the local runtime's table (across the day's shards): what end-to-end tests wait on before they
 * reconcile or settle.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { keys } from '../../shared/store/keys.js';
import { localClient } from './dynamodb.js';
import type { LocalRuntime } from './runtime.js';

export async function expectedOutcomeCount(
  runtime: Pick<LocalRuntime, 'dynamoEndpoint' | 'tableName'>,
  channel: string,
  date: string,
): Promise<number> {
  const dynamo = localClient(runtime.dynamoEndpoint);
  try {
    let count = 0;
    for (const partition of keys.channelDayShards(channel, date)) {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: runtime.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: partition } },
          Select: 'COUNT',
        }),
      );
      count += out.Count ?? 0;
    }
    return count;
  } finally {
    dynamo.destroy();
  }
}
