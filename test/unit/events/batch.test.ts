import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { sqsConsumer, streamConsumer } from '../../../shared/events/batch.js';
import { detailOf, envelopeOf } from '../../../shared/events/envelope.js';
import { logger } from '../../../shared/http/logger.js';

const sqsEvent = (bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i + 1}`, body }) as SQSRecord) }) as SQSEvent;

const streamEvent = (values: string[]): DynamoDBStreamEvent => ({
  Records: values.map(
    (value, i) =>
      ({
        eventID: `e${i + 1}`,
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: String(100 + i + 1), NewImage: { v: { S: value } } },
      }) as DynamoDBRecord,
  ),
});

const imageValue = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.v?.S ?? '';
const ids = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier);

const message = (detail: unknown) => JSON.stringify({ source: 'payments', 'detail-type': 'Tick', detail });
const tickSchema = z.object({ n: z.number() });

describe('the batch wrapper', () => {
  let lines: { message: string; data: Record<string, unknown> }[];
  beforeEach(() => {
    lines = [];
    for (const level of ['info', 'warn', 'error'] as const) {
      mock.method(logger, level, (text: string, data: Record<string, unknown>) => {
        lines.push({ message: text, data });
      });
    }
  });
  afterEach(() => mock.restoreAll());

  describe('on SQS', () => {
    it('handles every record and reports only the ones that failed', async () => {
      // Prepare
      const handled: number[] = [];
      const process = sqsConsumer({
        name: 'test',
        parse: (record) => detailOf(envelopeOf(record.body), tickSchema),
        handle: async ({ n }) => {
          if (n === 2) throw new Error('down');
          handled.push(n);
        },
      });
      // Act
      const response = await process(sqsEvent([message({ n: 1 }), message({ n: 2 }), message({ n: 3 })]));
      // Assess
      assert.deepEqual(ids(response), ['m2']);
      assert.deepEqual(handled.sort(), [1, 3]);
    });

    it('fails a record its schema refuses, without touching the others', async () => {
      // Prepare
      const handle = mock.fn(async () => {});
      const process = sqsConsumer({
        name: 'test',
        parse: (record) => detailOf(envelopeOf(record.body), tickSchema),
        handle,
      });
      // Act
      const response = await process(
        sqsEvent([message({ n: 1 }), message({ n: 'two' }), 'not json', message({ n: 4 })]),
      );
      // Assess
      assert.deepEqual(ids(response), ['m2', 'm3']);
      assert.equal(handle.mock.callCount(), 2);
      const failures = lines.filter((l) => l.message === 'record failed, will retry');
      assert.deepEqual(
        failures.map((l) => [l.data.record, (l.data.error as { code?: string }).code]),
        [
          ['m2', 'invalid_event'],
          ['m3', 'invalid_event'],
        ],
      );
    });

    it('drops what the consumer calls harmless and skips records it has nothing to do with', async () => {
      // Prepare
      const handle = mock.fn(async (n: number) => {
        if (n === 1) throw new Error('refused for good');
      });
      const process = sqsConsumer({
        name: 'test',
        parse: (record) => (record.body === 'other' ? undefined : Number(record.body)),
        handle,
        failure: (error) => ((error as Error).message === 'refused for good' ? 'skip' : 'retry'),
      });
      // Act
      const response = await process(sqsEvent(['1', 'other', '3']));
      // Assess
      assert.deepEqual(ids(response), []);
      assert.deepEqual(
        handle.mock.calls.map((c) => c.arguments[0]),
        [1, 3],
      );
    });

    it('reports a batch whose every record failed record by record, not as an invocation error', async () => {
      // Prepare
      const process = sqsConsumer({
        name: 'test',
        parse: (record) => record.body,
        handle: async () => {
          throw new Error('down');
        },
      });
      // Act
      const response = await process(sqsEvent(['a', 'b']));
      // Assess
      assert.deepEqual(ids(response), ['m1', 'm2']);
    });

    it('logs one line per batch with its counts as embedded metrics', async () => {
      // Prepare
      const process = sqsConsumer({
        name: 'risk',
        parse: (record) => (record.body === 'skip' ? undefined : record.body),
        handle: async (body) => {
          if (body === 'bad') throw new Error('down');
        },
      });
      // Act
      await process(sqsEvent(['ok', 'bad', 'skip', 'ok']));
      // Assess
      const line = lines.find((l) => l.message === 'batch processed');
      assert.ok(line);
      assert.equal(line.data.consumer, 'risk');
      assert.equal(line.data.BatchRecords, 4);
      assert.equal(line.data.BatchRecordsFailed, 1);
      assert.equal(line.data.BatchRecordsIgnored, 1);
      const [directive] = (
        line.data._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }
      ).CloudWatchMetrics;
      assert.equal(directive?.Namespace, 'Payments');
      assert.deepEqual(directive?.Dimensions, [['consumer']]);
    });
  });

  describe('on a DynamoDB stream', () => {
    it('stops at the first failed record and reports it with every later one', async () => {
      // Prepare
      const handled: string[] = [];
      const process = streamConsumer({
        name: 'test',
        parse: imageValue,
        handle: async (value) => {
          handled.push(value);
          if (value === 'b') throw new Error('down');
        },
      });
      // Act
      const response = await process(streamEvent(['a', 'b', 'c', 'd']));
      // Assess
      assert.deepEqual(handled, ['a', 'b']);
      assert.deepEqual(ids(response), ['102', '103', '104']);
    });

    it('stops at a record it cannot read, without handling the later ones', async () => {
      // Prepare
      const handle = mock.fn(async () => {});
      const process = streamConsumer({
        name: 'test',
        parse: (record) => {
          const value = imageValue(record);
          if (value === 'corrupt') throw new Error('cannot read');
          return value;
        },
        handle,
      });
      // Act
      const response = await process(streamEvent(['a', 'corrupt', 'c']));
      // Assess
      assert.equal(handle.mock.callCount(), 1);
      assert.deepEqual(ids(response), ['102', '103']);
    });

    it('goes past a failure the consumer drops as harmless', async () => {
      // Prepare
      const process = streamConsumer({
        name: 'test',
        parse: imageValue,
        handle: async (value) => {
          if (value === 'b') throw new Error('refused for good');
        },
        failure: () => 'skip',
      });
      // Act
      const response = await process(streamEvent(['a', 'b', 'c']));
      // Assess
      assert.deepEqual(ids(response), []);
    });

    it('handles independent records together and still reports from the first failure on', async () => {
      // Prepare
      const handled: string[] = [];
      const process = streamConsumer({
        name: 'test',
        parallel: true,
        parse: imageValue,
        handle: async (value) => {
          handled.push(value);
          if (value === 'b') throw new Error('down');
        },
      });
      // Act
      const response = await process(streamEvent(['a', 'b', 'c']));
      // Assess
      assert.deepEqual(handled.sort(), ['a', 'b', 'c']);
      assert.deepEqual(ids(response), ['102', '103']);
    });

    it('hands the records read before a failure to a consumer that handles them all at once', async () => {
      // Prepare: record 4 cannot be read; the consumer handles the first of the three it gets.
      const received: string[][] = [];
      const process = streamConsumer({
        name: 'test',
        parse: (record) => {
          const value = imageValue(record);
          if (value === 'corrupt') throw new Error('cannot read');
          return value === 'nothing' ? undefined : value;
        },
        handleAll: async (read) => {
          received.push(read.map((r) => r.item));
          return 1;
        },
      });
      // Act
      const response = await process(streamEvent(['a', 'nothing', 'c', 'corrupt', 'e']));
      // Assess: item 1 of what was read is record 3, so the batch resumes there.
      assert.deepEqual(received, [['a', 'c']]);
      assert.deepEqual(ids(response), ['103', '104', '105']);
    });

    it('fails the whole batch when a record to report has no sequence number', async () => {
      // Prepare
      const event = streamEvent(['a']);
      delete (event.Records[0] as DynamoDBRecord).dynamodb?.SequenceNumber;
      const process = streamConsumer({
        name: 'test',
        parse: imageValue,
        handle: async () => {
          throw new Error('down');
        },
      });
      // Act & Assess
      await assert.rejects(process(event), /no sequence number/);
    });
  });
});
