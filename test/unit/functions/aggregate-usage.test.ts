import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { USAGE_SHARDS } from '../../../shared/usage/aggregate.js';
import { type UsageRecord, usageLogLine } from '../../../shared/usage/record.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
const { handler } = await import('../../../functions/usage/aggregate-usage.js');

const record = (o: Partial<UsageRecord> = {}): UsageRecord => ({
  merchantId: 'm_1',
  route: 'POST /v1/payments',
  status: 201,
  at: '2026-12-06T10:00:00.000Z',
  created: true,
  ...o,
});

function delivery(messages: string[], messageType = 'DATA_MESSAGE') {
  const payload = {
    messageType,
    owner: '123456789012',
    logGroup: '/aws/lambda/create-payment',
    logStream: 's',
    subscriptionFilters: ['usage'],
    logEvents: messages.map((message, i) => ({ id: String(1000 + i), timestamp: 1, message })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

describe('usage aggregator', () => {
  beforeEach(() => ddb.reset());

  it('applies a delivery as one transaction: the batch marker, then one ADD per merchant, day and route', async () => {
    // Prepare
    ddb.on(TransactWriteItemsCommand).resolves({});
    const lines = [
      usageLogLine(record()),
      usageLogLine(record({ status: 422, created: false })),
      usageLogLine(record({ merchantId: 'm_2', route: 'GET /v1/payments', status: 200, created: false })),
      '{"level":"INFO","message":"request refused","status":400}',
    ];
    // Act
    await handler(delivery(lines));
    // Assess
    const calls = ddb.commandCalls(TransactWriteItemsCommand);
    assert.equal(calls.length, 1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    assert.match(String(unmarshall(items[0]?.Put?.Item ?? {}).PK), /^USAGEBATCH#[0-9a-f]{64}#0$/);
    assert.equal(items[0]?.Put?.ConditionExpression, 'attribute_not_exists(PK)');
    const adds = items.slice(1).map((i) => ({
      key: unmarshall(i.Update?.Key ?? {}),
      values: unmarshall(i.Update?.ExpressionAttributeValues ?? {}),
    }));
    assert.deepEqual(
      adds.map((a) => [a.key.SK, a.values[':requests'], a.values[':errors'], a.values[':created']]),
      [
        ['2026-12-06#POST /v1/payments', 2, 1, 1],
        ['2026-12-06#GET /v1/payments', 1, 0, 0],
      ],
    );
    const shard = /^USAGE#m_1#(\d+)$/.exec(String(adds[0]?.key.PK))?.[1];
    assert.ok(shard !== undefined && Number(shard) < USAGE_SHARDS, String(adds[0]?.key.PK));
  });

  it('takes a refused marker as a batch already applied, and ignores control messages', async () => {
    // Prepare
    ddb.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    // Act & Assess
    await handler(delivery([usageLogLine(record())]));
    await handler(delivery([], 'CONTROL_MESSAGE'));
    assert.equal(ddb.commandCalls(TransactWriteItemsCommand).length, 1);
  });

  it('applies replayed dead letters from its queue and reports only the records that failed', async () => {
    // Prepare
    ddb.on(TransactWriteItemsCommand).resolves({});
    const event = {
      Records: [
        { messageId: 'ok', body: JSON.stringify(delivery([usageLogLine(record())])) },
        { messageId: 'broken', body: '{"awslogs":{"data":"not gzip"}}' },
      ],
    };
    // Act
    const result = await handler(event);
    // Assess
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'broken' }] });
    assert.equal(ddb.commandCalls(TransactWriteItemsCommand).length, 1);
  });
});
