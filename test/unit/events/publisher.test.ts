import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { setEventBridgeClient } from '../../../shared/aws/eventbridge.js';
import { chunkEntries, MAX_REQUEST_BYTES } from '../../../shared/events/publish.js';
import { paymentItem, refundItem, T1 } from '../../support/event-samples.js';

process.env.EVENT_BUS_NAME = 'payments';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { processBatch, retryOptions } = await import('../../../functions/events/publisher.js');
Object.assign(retryOptions, { attempts: 3, delay: async () => {} });

const eventBridge = mockClient(EventBridgeClient);
// The SDK's and aws-lambda's AttributeValue types differ only nominally.
const marshalled = (item: object) => marshall(item, { removeUndefinedValues: true }) as Record<string, never>;

/** Stream record of payment n: its insert, its capture, or a change that announces nothing. */
function record(n: number, kind: 'insert' | 'capture' | 'noop' = 'insert'): DynamoDBRecord {
  const created = paymentItem({ id: `pay_${slotOf(n)}` });
  const newImage =
    kind === 'insert'
      ? created
      : { ...created, status: kind === 'capture' ? 'succeeded' : 'processing', updatedAt: T1 };
  return {
    eventID: `e${n}`,
    eventName: kind === 'insert' ? 'INSERT' : 'MODIFY',
    dynamodb: {
      SequenceNumber: String(1000 + n),
      NewImage: marshalled(newImage),
      ...(kind === 'insert' ? {} : { OldImage: marshalled(created) }),
    },
  };
}
const batch = (records: DynamoDBRecord[]) => ({ Records: records }) as DynamoDBStreamEvent;
const entriesSent = () =>
  eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries as PutEventsRequestEntry[]);
const ok = (entries: unknown[]) => ({
  FailedEntryCount: 0,
  Entries: entries.map((_, i) => ({ EventId: `id-${i}` })),
});

describe('event publisher', () => {
  beforeEach(() => {
    eventBridge.reset();
    setEventBridgeClient(new EventBridgeClient({ region: 'us-east-1' }));
  });
  afterEach(() => setEventBridgeClient(undefined));

  it('puts the derived events on the bus in stream order, 10 entries per request', async () => {
    // Prepare: 25 records, each announcing one event.
    eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries));
    const records = Array.from({ length: 25 }, (_, i) => record(i));
    // Act
    const result = await processBatch(batch(records));
    // Assess
    assert.deepEqual(result, { batchItemFailures: [] });
    const requests = entriesSent();
    assert.deepEqual(
      requests.map((r) => r.length),
      [10, 10, 5],
    );
    const sent = requests.flat();
    assert.deepEqual(
      sent.map((e) => JSON.parse(e.Detail as string).data.payment.id),
      records.map((_, i) => `pay_${slotOf(i)}`),
    );
    for (const e of sent) {
      assert.equal(e.Source, 'payments');
      assert.equal(e.DetailType, 'PaymentCreated');
      assert.equal(e.EventBusName, 'payments');
    }
  });

  it('retries only the entries EventBridge failed, then succeeds', async () => {
    // Prepare: the first answer fails entries 1 and 3.
    eventBridge
      .on(PutEventsCommand)
      .callsFakeOnce((input) => ({
        FailedEntryCount: 2,
        Entries: input.Entries.map((_: unknown, i: number) =>
          i === 1 || i === 3
            ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
            : { EventId: `id-${i}` },
        ),
      }))
      .callsFake((input) => ok(input.Entries));
    const records = [0, 1, 2, 3, 4].map((n) => record(n));
    // Act
    const result = await processBatch(batch(records));
    // Assess
    assert.deepEqual(result, { batchItemFailures: [] });
    const [first, retry] = entriesSent();
    assert.equal(first?.length, 5);
    assert.deepEqual(retry, [first?.[1], first?.[3]]);
  });

  it('reports the first unpublished record and every later one when entries keep failing', async () => {
    // Prepare: record 12's event (2nd request, 3rd entry) always fails.
    const records = Array.from({ length: 15 }, (_, i) => record(i));
    eventBridge.on(PutEventsCommand).callsFake((input) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((e: PutEventsRequestEntry, i: number) =>
        JSON.parse(e.Detail as string).data.payment.id === `pay_${slotOf(12)}`
          ? { ErrorCode: 'ThrottlingException' }
          : { EventId: `id-${i}` },
      ),
    }));
    // Act
    const result = await processBatch(batch(records));
    // Assess: records 12, 13, 14 go back to Lambda, the first 10 were published once.
    assert.deepEqual(
      result.batchItemFailures.map((f) => f.itemIdentifier),
      ['1012', '1013', '1014'],
    );
    const requests = entriesSent();
    assert.equal(requests.length, 1 + 3, 'one request for records 0-9, three tries for 10-14');
  });

  it('reports the whole batch when PutEvents itself keeps throwing', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('socket hang up'));
    const records = [record(0), record(1, 'capture'), record(2)];
    const result = await processBatch(batch(records));
    assert.deepEqual(
      result.batchItemFailures.map((f) => f.itemIdentifier),
      ['1000', '1001', '1002'],
    );
    assert.equal(entriesSent().length, 3, 'three tries');
  });

  it('skips records that announce nothing without calling EventBridge', async () => {
    const result = await processBatch(batch([record(0, 'noop')]));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(entriesSent().length, 0);
  });

  it('announces refunds too', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries));
    const refund = {
      eventID: 'r',
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: '7', NewImage: marshalled(refundItem()) },
    } as DynamoDBRecord;
    await processBatch(batch([refund]));
    assert.deepEqual(
      entriesSent()
        .flat()
        .map((e) => e.DetailType),
      ['RefundCreated'],
    );
  });
});

describe('chunkEntries', () => {
  it('never puts two events of one object in one request, so a retried one cannot be overtaken', () => {
    const e = { Source: 'payments', DetailType: 'PaymentCreated', Detail: '{}' };
    const chunks = chunkEntries([e, e, e, e], ['pay_1', 'pay_2', 'pay_1', 'pay_3']);
    assert.deepEqual(chunks, [
      [0, 1],
      [2, 3],
    ]);
  });

  it('keeps each request under 256 KB even with fewer than 10 entries', () => {
    const big = { Source: 'payments', DetailType: 'PaymentCreated', Detail: 'x'.repeat(100 * 1024) };
    const small = { Source: 'payments', DetailType: 'PaymentCreated', Detail: '{}' };
    const chunks = chunkEntries([big, big, big, small, small]);
    assert.deepEqual(chunks, [
      [0, 1],
      [2, 3, 4],
    ]);
    assert.ok(2 * 100 * 1024 < MAX_REQUEST_BYTES);
  });
});

/** A distinct valid slot per n < 1024. */
function slotOf(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return `${'a'.repeat(24)}${alphabet[n >> 5]}${alphabet[n & 31]}`;
}
