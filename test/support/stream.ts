/**
 * Every record of a DynamoDB Local table's stream so far, as Lambda would deliver them (the local
 * runtime's own conversion), for tests that check what a write announces.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { type LambdaStreamRecord, toLambdaRecord } from '../../local/src/stream-event.js';
import { LOCAL_CREDENTIALS, type TestTable } from './dynamodb.js';

export async function streamRecords(table: TestTable): Promise<LambdaStreamRecord[]> {
  const described = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
  const streamArn = described.Table?.LatestStreamArn as string;
  const streams = new DynamoDBStreamsClient({
    endpoint: table.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const records: _Record[] = [];
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      while (iterator) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...(out.Records ?? []));
        if (!out.Records?.length) break;
        iterator = out.NextShardIterator;
      }
    }
  } finally {
    streams.destroy();
  }
  return records.map((r) => toLambdaRecord(r, 'us-east-1', streamArn));
}
