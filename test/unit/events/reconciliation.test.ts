import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { setDynamoDbClient } from '../../../shared/aws/dynamodb.js';
import { eventBridgeEvent, sampleDetails, T1 } from '../../support/event-samples.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const dynamo = mockClient(DynamoDBClient);
setDynamoDbClient(new DynamoDBClient({ region: 'us-east-1' }));
const { processBatch } = await import('../../../functions/events/reconciliation.js');

const samples = sampleDetails();
const message = (id: string, body: unknown): SQSRecord =>
  ({ messageId: id, body: typeof body === 'string' ? body : JSON.stringify(body) }) as SQSRecord;
const sqsEvent = (...records: SQSRecord[]) => ({ Records: records }) as SQSEvent;
const puts = () => dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input);

describe('reconciliation consumer', () => {
  beforeEach(() => dynamo.reset());

  it('records what the channel should report for a payment outcome, keyed by channel-day', async () => {
    // Prepare
    dynamo.on(PutItemCommand).resolves({});
    const detail = samples.get('PaymentSucceeded');
    // Act
    const result = await processBatch(sqsEvent(message('m1', eventBridgeEvent('PaymentSucceeded', detail))));
    // Assess
    assert.deepEqual(result, { batchItemFailures: [] });
    const [put] = puts();
    assert.equal(put?.TableName, 'payments-unit');
    assert.equal(put?.ConditionExpression, 'attribute_not_exists(PK) OR occurredAt < :occurredAt');
    assert.deepEqual(unmarshall(put?.ExpressionAttributeValues ?? {}), { ':occurredAt': T1 });
    const { recordedAt, GSI2PK, GSI2SK, ...item } = unmarshall(put?.Item ?? {});
    // The sample happened months ago: a late settlement line item, settled by when it was recorded.
    assert.equal(GSI2PK, 'SETLLATE#m_demo_1#2');
    assert.equal(GSI2SK, `${recordedAt}#payment#pay_aaaaaaaaaaaaaaaaaaaaaaaaaa`);
    assert.deepEqual(item, {
      // The channel-day's shard of this reference: the first base32 character of its SHA-256.
      PK: 'RECON#sandbox#2026-03-01#2',
      SK: 'payment#pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      entity: 'expectedOutcome',
      channel: 'sandbox',
      type: 'payment',
      reference: 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      channelReference: 'sbx_1',
      merchantId: 'm_demo_1',
      amount: 1050,
      currency: 'USD',
      status: 'succeeded',
      occurredAt: T1,
      eventId: (detail as { eventId: string }).eventId,
    });
  });

  it('records refund outcomes under the refund id with the refund channel reference', async () => {
    dynamo.on(PutItemCommand).resolves({});
    await processBatch(
      sqsEvent(message('m1', eventBridgeEvent('RefundFailed', samples.get('RefundFailed')))),
    );
    const item = unmarshall(puts()[0]?.Item ?? {});
    assert.equal(item.SK, 'refund#re_bbbbbbbbbbbbbbbbbbbbbbbbbb');
    assert.equal(item.status, 'failed');
    assert.equal(item.amount, 500);
    assert.equal(item.channelReference, 'sbx_r1');
  });

  it('treats a redelivered (or older) event as done: the condition fails, nothing is reported', async () => {
    dynamo
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const result = await processBatch(
      sqsEvent(message('m1', eventBridgeEvent('PaymentFailed', samples.get('PaymentFailed')))),
    );
    assert.deepEqual(result, { batchItemFailures: [] });
  });

  it('reports only the messages it could not record, so SQS redelivers them (and dead-letters poison)', async () => {
    dynamo.on(PutItemCommand).resolves({});
    const result = await processBatch(
      sqsEvent(
        message('good', eventBridgeEvent('PaymentSucceeded', samples.get('PaymentSucceeded'))),
        message('not-json', '{'),
        message('bad-detail', eventBridgeEvent('PaymentSucceeded', { eventId: 'nope' })),
        message('good-2', eventBridgeEvent('RefundSucceeded', samples.get('RefundSucceeded'))),
      ),
    );
    assert.deepEqual(
      result.batchItemFailures.map((f) => f.itemIdentifier),
      ['not-json', 'bad-detail'],
    );
    assert.equal(puts().length, 2);
  });

  it('ignores events that are no outcome without writing', async () => {
    const result = await processBatch(
      sqsEvent(message('m1', eventBridgeEvent('PaymentCreated', samples.get('PaymentCreated')))),
    );
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(puts().length, 0);
  });

  it('reads events that gained fields it does not know', async () => {
    dynamo.on(PutItemCommand).resolves({});
    const detail = samples.get('PaymentSucceeded') as Record<string, unknown>;
    const newer = { ...detail, traceId: 'x', data: { ...(detail.data as object), extra: { a: 1 } } };
    const result = await processBatch(sqsEvent(message('m1', eventBridgeEvent('PaymentSucceeded', newer))));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(puts().length, 1);
  });
});
