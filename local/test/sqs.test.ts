/**
 * The local SQS endpoint through the real @aws-sdk/client-sqs (AWS JSON 1.0, query-compatible errors,
 * MD5 checks on send and receive): visibility, receive counts, redrive to the DLQ, ChangeMessageVisibility,
 * batches, attributes and message move tasks.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import type { AwsJsonServer } from '../src/aws-json.js';
import { createLogger } from '../src/log.js';
import { md5OfMessageAttributes, type QueueConfig, SqsBroker } from '../src/sqs.js';
import { startSqsEndpoint } from '../src/sqs-api.js';

const ACCOUNT = '000000000000';
const arnOf = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
const queue = (name: string, extra: Partial<QueueConfig> = {}): QueueConfig => ({
  logicalId: name,
  name,
  visibilityTimeout: 30,
  messageRetentionPeriod: 345_600,
  delaySeconds: 0,
  receiveMessageWaitTimeSeconds: 0,
  maximumMessageSize: 1_048_576,
  sqsManagedSseEnabled: true,
  ...extra,
});

let broker: SqsBroker;
let server: AwsJsonServer;
let sqs: SQSClient;
let workUrl: string;
let dlqUrl: string;
let otherUrl: string;

function startBroker(): SqsBroker {
  return new SqsBroker({
    region: 'us-east-1',
    accountId: ACCOUNT,
    queues: [
      queue('Work', {
        visibilityTimeout: 1,
        redrivePolicy: { deadLetterTargetArn: arnOf('WorkDLQ'), maxReceiveCount: 2 },
      }),
      queue('WorkDLQ', { messageRetentionPeriod: 1_209_600 }),
      queue('Other'),
    ],
  });
}

before(async () => {
  broker = startBroker();
  server = await startSqsEndpoint(broker, createLogger({ quiet: true }));
  sqs = new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  workUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'Work' }))).QueueUrl as string;
  dlqUrl = `${server.url}/${ACCOUNT}/WorkDLQ`;
  otherUrl = `${server.url}/${ACCOUNT}/Other`;
});

after(async () => {
  sqs.destroy();
  broker.stop();
  await server.close();
});

beforeEach(() => {
  // Fresh queues per test, without PurgeQueue's once-a-minute limit.
  for (const q of broker.queues) broker.clear(q);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function receive(url: string, extra: Record<string, unknown> = {}) {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      ...extra,
    }),
  );
  return out.Messages ?? [];
}

describe('local SQS endpoint', () => {
  it('answers GetQueueUrl with the local URL and QueueDoesNotExist for an unknown queue', async () => {
    assert.equal(workUrl, `${server.url}/${ACCOUNT}/Work`);
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'Nope' })), (error: unknown) => {
      assert.ok(error instanceof QueueDoesNotExist);
      assert.equal((error as Error).message, 'The specified queue does not exist.');
      return true;
    });
  });

  it('sends and receives with MD5s the client verifies, system and message attributes', async () => {
    // Prepare
    const attributes = {
      kind: { DataType: 'String', StringValue: 'payment' },
      n: { DataType: 'Number', StringValue: '7' },
    };

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: '{"a":1}', MessageAttributes: attributes }),
    );
    const [m] = await receive(otherUrl, { MessageAttributeNames: ['All'] });

    // Assess
    assert.equal(sent.MD5OfMessageAttributes, md5OfMessageAttributes(attributes));
    assert.equal(m?.MessageId, sent.MessageId);
    assert.equal(m?.Body, '{"a":1}');
    assert.equal(m?.Attributes?.ApproximateReceiveCount, '1');
    assert.ok(Number(m?.Attributes?.SentTimestamp) <= Date.now());
    assert.ok(m?.Attributes?.ApproximateFirstReceiveTimestamp);
    assert.ok(m?.Attributes?.SenderId);
    assert.deepEqual(m?.MessageAttributes, attributes);
    assert.equal(m?.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  });

  it('hides a received message for the visibility timeout, then redelivers it with a higher receive count', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: workUrl, MessageBody: 'hello' }));
    const [first] = await receive(workUrl);
    assert.equal(first?.Attributes?.ApproximateReceiveCount, '1');
    assert.deepEqual(await receive(workUrl), []);
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: workUrl, AttributeNames: ['All'] }),
    );
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, '0');
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, '1');
    assert.equal(attrs.Attributes?.VisibilityTimeout, '1');
    assert.equal(attrs.Attributes?.QueueArn, arnOf('Work'));
    assert.deepEqual(JSON.parse(attrs.Attributes?.RedrivePolicy ?? '{}'), {
      deadLetterTargetArn: arnOf('WorkDLQ'),
      maxReceiveCount: 2,
    });

    await sleep(1100);
    const [again] = await receive(workUrl);
    assert.equal(again?.MessageId, first?.MessageId);
    assert.equal(again?.Attributes?.ApproximateReceiveCount, '2');
    assert.notEqual(again?.ReceiptHandle, first?.ReceiptHandle);
    assert.equal(
      again?.Attributes?.ApproximateFirstReceiveTimestamp,
      first?.Attributes?.ApproximateFirstReceiveTimestamp,
    );
  });

  it('moves a message to the DLQ when a receive would exceed maxReceiveCount, keeping its id and adding its source', async () => {
    const { MessageId } = await sqs.send(
      new SendMessageCommand({ QueueUrl: workUrl, MessageBody: 'poison' }),
    );
    for (let i = 0; i < 2; i++) {
      const [m] = await receive(workUrl, { VisibilityTimeout: 0 });
      assert.equal(m?.Attributes?.ApproximateReceiveCount, String(i + 1));
    }
    assert.deepEqual(await receive(workUrl), []);
    const [dead] = await receive(dlqUrl);
    assert.equal(dead?.MessageId, MessageId);
    assert.equal(dead?.Body, 'poison');
    assert.equal(dead?.Attributes?.DeadLetterQueueSourceArn, arnOf('Work'));
    assert.equal(dead?.Attributes?.ApproximateReceiveCount, '1');
  });

  it('honours ChangeMessageVisibility (0 = at once) and refuses a stale receipt handle', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: 'retry me' }));
    const [m] = await receive(otherUrl);
    assert.deepEqual(await receive(otherUrl), []);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: otherUrl,
        ReceiptHandle: m?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [again] = await receive(otherUrl);
    assert.equal(again?.MessageId, m?.MessageId);
    await assert.rejects(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: otherUrl,
          ReceiptHandle: m?.ReceiptHandle,
          VisibilityTimeout: 5,
        }),
      ),
      (error: Error) =>
        error.name === 'InvalidParameterValue' && /ReceiptHandle is invalid/.test(error.message),
    );
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: otherUrl,
        ReceiptHandle: again?.ReceiptHandle,
        VisibilityTimeout: 1,
      }),
    );
    assert.deepEqual(await receive(otherUrl), []);
    await sleep(1100);
    assert.equal((await receive(otherUrl))[0]?.Attributes?.ApproximateReceiveCount, '3');
  });

  it('deletes with the latest receipt handle and rejects a malformed one', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: 'x' }));
    const [m] = await receive(otherUrl);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: otherUrl, ReceiptHandle: m?.ReceiptHandle }));
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: otherUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    assert.deepEqual(attrs.Attributes, {
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    await assert.rejects(
      sqs.send(new DeleteMessageCommand({ QueueUrl: otherUrl, ReceiptHandle: 'garbage' })),
      (error: unknown) => error instanceof ReceiptHandleIsInvalid,
    );
  });

  it('sends and deletes in batches, reporting per-entry failures and batch-level errors', async () => {
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: otherUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two', DelaySeconds: 901 },
        ],
      }),
    );
    assert.deepEqual(
      sent.Successful?.map((s) => s.Id),
      ['a'],
    );
    assert.equal(sent.Failed?.[0]?.Id, 'b');
    assert.equal(sent.Failed?.[0]?.Code, 'InvalidParameterValue');
    assert.equal(sent.Failed?.[0]?.SenderFault, true);
    const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    await assert.rejects(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: otherUrl, Entries: entries })),
      (e: unknown) => e instanceof TooManyEntriesInBatchRequest,
    );
    const got = await receive(otherUrl);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: otherUrl,
        Entries: [
          { Id: 'x', ReceiptHandle: got[0]?.ReceiptHandle },
          { Id: 'y', ReceiptHandle: 'bad' },
        ],
      }),
    );
    assert.deepEqual(deleted.Successful, [{ Id: 'x' }]);
    assert.equal(deleted.Failed?.[0]?.Code, 'ReceiptHandleIsInvalid');
  });

  it('long polls: a receive waiting on an empty queue returns as soon as a message is sent', async () => {
    const started = Date.now();
    const waiting = receive(otherUrl, { WaitTimeSeconds: 5 });
    await sleep(150);
    await sqs.send(new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: 'late' }));
    const [m] = await waiting;
    assert.equal(m?.Body, 'late');
    assert.ok(Date.now() - started < 2000);
  });

  it('long polls: a receive waiting on an empty queue returns when a delayed message sent meanwhile is due', async () => {
    // Prepare
    const started = Date.now();
    const waiting = receive(otherUrl, { WaitTimeSeconds: 10 });
    await sleep(150);
    // Act
    await sqs.send(
      new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: 'due in 1 s', DelaySeconds: 1 }),
    );
    const [m] = await waiting;
    // Assess
    assert.equal(m?.Body, 'due in 1 s');
    const waited = Date.now() - started;
    assert.ok(waited >= 1000 && waited < 3000, `received after ${waited} ms`);
  });

  it('long polls: a receive waiting on a queue whose message is in flight returns when a shorter visibility is due', async () => {
    // Prepare
    await sqs.send(new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: 'backoff' }));
    const [first] = await receive(otherUrl, { VisibilityTimeout: 30 });
    const started = Date.now();
    const waiting = receive(otherUrl, { WaitTimeSeconds: 10 });
    await sleep(150);
    // Act
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: otherUrl,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 1,
      }),
    );
    const [again] = await waiting;
    // Assess
    assert.equal(again?.Body, 'backoff');
    const waited = Date.now() - started;
    assert.ok(waited >= 1000 && waited < 3000, `received after ${waited} ms`);
  });

  it('validates ReceiveMessage parameters as SQS does', async () => {
    await assert.rejects(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: otherUrl, MaxNumberOfMessages: 11 })),
      (error: Error) => error.name === 'InvalidParameterValue' && /MaxNumberOfMessages/.test(error.message),
    );
  });

  it('redrives a DLQ to its source queue with StartMessageMoveTask and lists the task', async () => {
    // Prepare: two messages dead-lettered from Work
    for (const body of ['p1', 'p2'])
      await sqs.send(new SendMessageCommand({ QueueUrl: workUrl, MessageBody: body }));
    for (let i = 0; i < 3; i++) await receive(workUrl, { VisibilityTimeout: 0 });
    assert.equal(broker.peek(broker.queueByName('WorkDLQ')!).length, 2);

    // Act
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arnOf('WorkDLQ') }));
    assert.ok(TaskHandle);
    await sleep(300);

    // Assess
    const { Results } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: arnOf('WorkDLQ'), MaxResults: 10 }),
    );
    assert.equal(Results?.[0]?.Status, 'COMPLETED');
    assert.equal(Results?.[0]?.ApproximateNumberOfMessagesMoved, 2);
    assert.equal(Results?.[0]?.ApproximateNumberOfMessagesToMove, 2);
    assert.equal(Results?.[0]?.TaskHandle, undefined);
    const back = await receive(workUrl);
    assert.deepEqual(back.map((m) => m.Body).sort(), ['p1', 'p2']);
    assert.ok(back.every((m) => m.Attributes?.ApproximateReceiveCount === '1'));
    assert.deepEqual(await receive(dlqUrl), []);
  });

  it('refuses a move task from a queue that is no dead-letter queue', async () => {
    await assert.rejects(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arnOf('Other') })),
      (error: Error) => error.name === 'InvalidParameterValue' && /Dead Letter Queue/.test(error.message),
    );
  });

  it('purges a queue once a minute', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: 'x' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: otherUrl }));
    assert.deepEqual(await receive(otherUrl), []);
    await assert.rejects(
      sqs.send(new PurgeQueueCommand({ QueueUrl: otherUrl })),
      (e: Error) => e.name === 'PurgeQueueInProgress',
    );
  });
});
