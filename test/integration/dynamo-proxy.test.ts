/**
 * The DynamoDB proxy's two observers on DynamoDB Local, each behind its own proxy as the tests and the
 * bench run them: the recorder (test/support/dynamo-recorder.ts) records every request as IAM would
 * authorize it, refused ones too; the meter (test/bench/metering-proxy.ts) tallies the units DynamoDB
 * reports by operation, caller and partition key, and the refusals by error. Both pass requests and
 * answers through as the SDK expects them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { type MeteringProxy, startMeteringProxy } from '../bench/metering-proxy.js';
import { type DynamoRecorder, startDynamoRecorder } from '../support/dynamo-recorder.js';
import { localClient, startTestTable, type TestTable } from '../support/dynamodb.js';

const item = (pk: string, extra: Record<string, { S: string }> = {}) => ({
  PK: { S: pk },
  SK: { S: 'OBJ' },
  ...extra,
});

describe('DynamoDB proxy observers on DynamoDB Local', () => {
  let table: TestTable;
  let recorder: DynamoRecorder;
  let meter: MeteringProxy;
  let recorded: DynamoDBClient;
  let metered: DynamoDBClient;

  /** The same calls through `client`: a put, a refused conditional put, a read, a transaction. */
  const calls = async (client: DynamoDBClient, prefix: string) => {
    const TableName = table.tableName;
    await client.send(new PutItemCommand({ TableName, Item: item(`${prefix}#1`) }));
    await assert.rejects(
      client.send(
        new PutItemCommand({
          TableName,
          Item: item(`${prefix}#1`),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
      ConditionalCheckFailedException,
    );
    const read = await client.send(new GetItemCommand({ TableName, Key: item(`${prefix}#1`) }));
    assert.deepEqual(read.Item, item(`${prefix}#1`));
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName, Item: item(`${prefix}#2`, { GSI1PK: { S: 'MER#m_1' }, GSI1SK: { S: 'x' } }) } },
          {
            ConditionCheck: {
              TableName,
              Key: item(`${prefix}#1`),
              ConditionExpression: 'attribute_exists(PK)',
            },
          },
        ],
      }),
    );
  };

  before(async () => {
    table = await startTestTable();
    recorder = await startDynamoRecorder(table.endpoint);
    meter = await startMeteringProxy(table.endpoint);
    recorded = localClient(recorder.endpointFor('CreatePayment'));
    metered = localClient(meter.endpointFor('CreatePayment'));
  });
  after(async () => {
    recorded.destroy();
    metered.destroy();
    await recorder.close();
    await meter.close();
    await table.stop();
  });

  it('records every request per item as IAM authorizes it, the refused ones too', async () => {
    // Act
    await calls(recorded, 'REC');
    // Assess
    const call = (action: string, pk: string) => ({
      caller: 'CreatePayment',
      action: `dynamodb:${action}`,
      table: table.tableName,
      leadingKeys: [pk],
    });
    assert.deepEqual(recorder.calls, [
      call('PutItem', 'REC#1'),
      call('PutItem', 'REC#1'),
      call('GetItem', 'REC#1'),
      call('PutItem', 'REC#2'),
      call('ConditionCheckItem', 'REC#1'),
    ]);
  });

  it('meters units by operation, caller and partition key, and refusals by error', async () => {
    // Act
    await calls(metered, 'MET');
    await meter.settled();
    // Assess
    const units = (writeUnits: number, readUnits: number) => ({
      writeUnits,
      readUnits,
      byCaller: { CreatePayment: { writeUnits, readUnits } },
    });
    // The transaction: its put 2 units (transactional) and the put's GSI1 entry 1, the condition check 2.
    assert.deepEqual(meter.tally, {
      calls: { PutItem: 2, GetItem: 1, TransactWriteItems: 1 },
      writeUnits: 6,
      readUnits: 0.5,
      unitsByOperation: { PutItem: 1, GetItem: 0.5, TransactWriteItems: 5 },
      failures: { 'PutItem ConditionalCheckFailedException': 1 },
      byCaller: {
        CreatePayment: {
          writeUnits: 6,
          readUnits: 0.5,
          calls: { PutItem: 2, GetItem: 1, TransactWriteItems: 1 },
        },
      },
      keys: {
        'MET#1': { ...units(3, 0.5), writes: 2, reads: 1 },
        'MET#2': { ...units(2, 0), writes: 1, reads: 0 },
        'GSI1 MER#m_1': { ...units(1, 0), writes: 1, reads: 0 },
      },
    });
  });
});
