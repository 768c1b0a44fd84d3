/**
 * SQS event source mappings: the SQS event shape, batch size, deletion of what succeeded, partial
 * batch failures, whole-batch failure on a thrown error, ChangeMessageVisibility from inside the
 * function, and the redrive to the DLQ after maxReceiveCount.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { SqsMapping } from '../src/event-wiring.js';
import type { InvokeResult } from '../src/lambda-runner.js';
import { createLogger } from '../src/log.js';
import { type QueueConfig, SqsBroker } from '../src/sqs.js';
import { type LambdaSqsRecord, SqsPoller, succeededRecords } from '../src/sqs-poller.js';

const arnOf = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const config = (name: string, extra: Partial<QueueConfig> = {}): QueueConfig => ({
  logicalId: name,
  name,
  visibilityTimeout: 1,
  messageRetentionPeriod: 345_600,
  delaySeconds: 0,
  receiveMessageWaitTimeSeconds: 0,
  maximumMessageSize: 1_048_576,
  sqsManagedSseEnabled: true,
  ...extra,
});
const mapping = (extra: Partial<SqsMapping> = {}): SqsMapping => ({
  logicalId: 'Mapping',
  functionLogicalId: 'Fn',
  queueLogicalId: 'Work',
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  reportBatchItemFailures: true,
  filters: [],
  maximumConcurrency: 1,
  ...extra,
});
const ok = (payload: unknown): InvokeResult => ({ ok: true, payload, requestId: 'r', durationMs: 1 });
const thrown: InvokeResult = {
  ok: false,
  error: { errorType: 'Error', errorMessage: 'boom' },
  requestId: 'r',
  durationMs: 1,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

function setup(invoke: (event: { Records: LambdaSqsRecord[] }) => Promise<InvokeResult>, m = mapping()) {
  const broker = new SqsBroker({
    region: 'us-east-1',
    accountId: '000000000000',
    queues: [
      config('Work', { redrivePolicy: { deadLetterTargetArn: arnOf('DLQ'), maxReceiveCount: 2 } }),
      config('DLQ'),
    ],
  });
  broker.setEndpoint('http://127.0.0.1:1');
  const work = broker.queueByName('Work')!;
  const dlq = broker.queueByName('DLQ')!;
  const poller = new SqsPoller({
    broker,
    queue: work,
    mapping: m,
    region: 'us-east-1',
    invoke,
    log: createLogger({ quiet: true }),
    waitTimeSeconds: 1,
  });
  poller.start();
  stops.push(async () => {
    await poller.stop();
    broker.stop();
  });
  return { broker, work, dlq };
}

describe('SQS event source mapping', () => {
  it('invokes with the AWS SQS event shape and deletes the batch on success', async () => {
    // Prepare
    const events: Array<{ Records: LambdaSqsRecord[] }> = [];
    const { broker, work } = setup(async (event) => {
      events.push(event);
      return ok(null);
    });

    // Act
    const sent = broker.send(work, {
      body: '{"x":1}',
      messageAttributes: { a: { DataType: 'String', StringValue: 'v' } },
    });
    await until(() => events.length === 1 && broker.peek(work).length === 0);

    // Assess
    const [record] = events[0]!.Records;
    assert.equal(record?.messageId, sent.messageId);
    assert.equal(record?.body, '{"x":1}');
    assert.equal(record?.md5OfBody, sent.md5OfBody);
    assert.equal(record?.md5OfMessageAttributes, sent.md5OfMessageAttributes);
    assert.equal(record?.eventSource, 'aws:sqs');
    assert.equal(record?.eventSourceARN, arnOf('Work'));
    assert.equal(record?.awsRegion, 'us-east-1');
    assert.equal(typeof record?.receiptHandle, 'string');
    assert.deepEqual(Object.keys(record?.attributes ?? {}).sort(), [
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'SenderId',
      'SentTimestamp',
    ]);
    assert.equal(record?.attributes.ApproximateReceiveCount, '1');
    assert.deepEqual(record?.messageAttributes, {
      a: { stringValue: 'v', stringListValues: [], binaryListValues: [], dataType: 'String' },
    });
  });

  it('respects BatchSize', async () => {
    const sizes: number[] = [];
    const { broker, work } = setup(
      async (event) => {
        sizes.push(event.Records.length);
        return ok(null);
      },
      mapping({ batchSize: 3 }),
    );
    for (let i = 0; i < 7; i++) broker.send(work, { body: `m${i}` });
    await until(() => sizes.reduce((a, b) => a + b, 0) === 7);
    assert.ok(sizes.every((n) => n <= 3));
  });

  it('keeps only the reported failures, which come back after the visibility timeout', async () => {
    const seen: string[] = [];
    const { broker, work } = setup(async (event) => {
      seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      const failed = event.Records.filter(
        (r) => r.body === 'bad' && r.attributes.ApproximateReceiveCount === '1',
      );
      return ok({ batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) });
    });
    broker.send(work, { body: 'good' });
    broker.send(work, { body: 'bad' });
    await until(() => seen.includes('bad#2'));
    assert.equal(seen.filter((s) => s.startsWith('good')).length, 1);
    await until(() => broker.peek(work).length === 0);
  });

  it('fails the whole batch on a thrown error and moves it to the DLQ after maxReceiveCount', async () => {
    let calls = 0;
    const { broker, work, dlq } = setup(async () => {
      calls += 1;
      return thrown;
    });
    broker.send(work, { body: 'a' });
    broker.send(work, { body: 'b' });
    await until(() => broker.peek(dlq).length === 2, 6000);
    assert.equal(calls, 2);
    assert.deepEqual(broker.peek(work), []);
    assert.ok(broker.peek(dlq).every((m) => m.deadLetterQueueSourceArn === arnOf('Work')));
  });

  it("honours the function's ChangeMessageVisibility on a failed message", async () => {
    const times: number[] = [];
    let brokerRef: SqsBroker | undefined;
    const { broker, work } = setup(async (event) => {
      times.push(Date.now());
      const [r] = event.Records;
      if (times.length === 1 && r) {
        // A retry backoff of 0 s instead of the queue's 1 s.
        brokerRef?.changeVisibility(brokerRef.queueByName('Work')!, r.receiptHandle, 0);
        return ok({ batchItemFailures: [{ itemIdentifier: r.messageId }] });
      }
      return ok({});
    });
    brokerRef = broker;
    broker.send(work, { body: 'x' });
    await until(() => times.length === 2);
    assert.ok(times[1]! - times[0]! < 800, `redelivered after ${times[1]! - times[0]!} ms`);
  });

  it('deletes the messages the filter criteria reject, without invoking', async () => {
    const bodies: string[] = [];
    const { broker, work } = setup(
      async (event) => {
        bodies.push(...event.Records.map((r) => r.body));
        return ok(null);
      },
      mapping({ filters: [{ body: { kind: ['keep'] } }] }),
    );
    broker.send(work, { body: '{"kind":"drop"}' });
    broker.send(work, { body: '{"kind":"keep"}' });
    await until(() => broker.peek(work).length === 0);
    assert.deepEqual(bodies, ['{"kind":"keep"}']);
  });
});

describe('batch item failure responses', () => {
  const records = [{ messageId: 'a' }, { messageId: 'b' }] as LambdaSqsRecord[];
  const ids = (r: LambdaSqsRecord[]) => r.map((x) => x.messageId);

  it('treats an empty or null report as full success and a malformed one as full failure', () => {
    assert.deepEqual(ids(succeededRecords(records, { ok: true, payload: { batchItemFailures: [] } }, true)), [
      'a',
      'b',
    ]);
    assert.deepEqual(ids(succeededRecords(records, { ok: true, payload: null }, true)), ['a', 'b']);
    assert.deepEqual(
      ids(
        succeededRecords(
          records,
          { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'b' }] } },
          true,
        ),
      ),
      ['a'],
    );
    assert.deepEqual(
      ids(
        succeededRecords(
          records,
          { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'zz' }] } },
          true,
        ),
      ),
      [],
    );
    assert.deepEqual(
      ids(
        succeededRecords(
          records,
          { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '' }] } },
          true,
        ),
      ),
      [],
    );
    assert.deepEqual(
      ids(
        succeededRecords(
          records,
          { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'b' }] } },
          false,
        ),
      ),
      ['a', 'b'],
    );
    assert.deepEqual(ids(succeededRecords(records, { ok: false }, true)), []);
  });
});
