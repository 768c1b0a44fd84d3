/**
 * How many outcomes of a channel-day are in the outcome index (GSI3: a payment or refund enters it with the
 * guarded write that applies its outcome), read straight from the local runtime's table across the day's
 * shards: what end-to-end tests check before they reconcile or settle.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { backOfficeKeys, GSI3 } from '../../shared/store/keys.js';
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
    for (const partition of backOfficeKeys.channelDayShards(channel, date)) {
      let start: Record<string, any> | undefined;
      do {
        const out = await dynamo.send(
          new QueryCommand({
            TableName: runtime.tableName,
            IndexName: GSI3,
            KeyConditionExpression: 'GSI3PK = :pk',
            ExpressionAttributeValues: { ':pk': { S: partition } },
            Select: 'COUNT',
            ExclusiveStartKey: start,
          }),
        );
        count += out.Count ?? 0;
        start = out.LastEvaluatedKey;
      } while (start);
    }
    return count;
  } finally {
    dynamo.destroy();
  }
}
