/**
 * The dead-letter ops routes over a mocked SQS client: what each sends to SQS, what it answers, and its
 * error paths (401, 403, 404, 400, 409 in progress, 409 not redrivable, SQS refusals it cannot explain).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { apiEvent, context, jsonHeaders, problemOf } from '../functions/fixtures.js';

const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/recon-dlq';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:recon-dlq';
const STREAM_DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:dispatch-dlq';
process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.DEAD_LETTER_QUEUES = JSON.stringify({
  reconciliation: { url: DLQ, arn: DLQ_ARN, sources: ['recon'] },
  dispatch: {
    url: 'https://sqs.us-east-1.amazonaws.com/123456789012/dispatch-dlq',
    arn: STREAM_DLQ_ARN,
    sources: [],
  },
});
const sqs = mockClient(SQSClient);
const listQueues = (await import('../../../functions/api/list-dead-letter-queues.js')).handler;
const peek = (await import('../../../functions/api/list-dead-letter-messages.js')).handler;
const redrive = (await import('../../../functions/api/redrive-dead-letter-queue.js')).handler;
const listRedrives = (await import('../../../functions/api/list-dead-letter-redrives.js')).handler;

const ops = { merchantId: 'ops', role: 'ops' };
const base = '/v1/ops/dead-letter-queues';

function sqsError(name: string, message: string): SQSServiceException {
  return new SQSServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

const get = (path: string, name?: string, query?: Record<string, string>, auth: unknown = ops) =>
  apiEvent({
    method: 'GET',
    path,
    auth: auth as { merchantId: string; role: string } | null,
    ...(name ? { pathParameters: { name } } : {}),
    ...(query ? { query } : {}),
  });
const post = (name: string, body = '{}', auth: unknown = ops) =>
  apiEvent({
    method: 'POST',
    path: `${base}/${name}/redrive`,
    pathParameters: { name },
    headers: jsonHeaders(),
    body,
    auth: auth as { merchantId: string; role: string } | null,
  });

describe('dead-letter ops routes', () => {
  beforeEach(() => sqs.reset());

  it('refuses a caller without a key (401) and a merchant key (403) before touching SQS', async () => {
    // Act
    const results = [
      await listQueues(get(base, undefined, undefined, null), context),
      await peek(get(`${base}/reconciliation/messages`, 'reconciliation', undefined, null), context),
      await redrive(post('reconciliation', '{}', null), context),
      await listRedrives(get(`${base}/reconciliation/redrives`, 'reconciliation', undefined, null), context),
      await listQueues(get(base, undefined, undefined, { merchantId: 'm_1', role: 'merchant' }), context),
      await redrive(post('reconciliation', '{}', { merchantId: 'm_1', role: 'merchant' }), context),
    ];
    // Assess
    assert.deepEqual(
      results.map((r) => problemOf(r).status),
      [401, 401, 401, 401, 403, 403],
    );
    assert.equal(sqs.calls().length, 0);
  });

  it('lists every DLQ by name with its depth, sources and whether it can be redriven', async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({
      Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' },
    });
    // Act
    const result = await listQueues(get(base), context);
    // Assess
    assert.equal(result.statusCode, 200);
    assert.deepEqual(JSON.parse(result.body).data, [
      {
        name: 'dispatch',
        url: 'https://sqs.us-east-1.amazonaws.com/123456789012/dispatch-dlq',
        arn: STREAM_DLQ_ARN,
        sourceQueues: [],
        redrivable: false,
        approximateMessages: 0,
        approximateMessagesNotVisible: 0,
      },
      {
        name: 'reconciliation',
        url: DLQ,
        arn: DLQ_ARN,
        sourceQueues: ['recon'],
        redrivable: true,
        approximateMessages: 3,
        approximateMessagesNotVisible: 1,
      },
    ]);
  });

  it('peeks with visibility 0 and every system attribute, parsing JSON bodies and keeping others raw', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm-1',
          Body: '{"detail-type":"PaymentSucceeded"}',
          Attributes: {
            ApproximateReceiveCount: '6',
            SentTimestamp: '1893456000000',
            DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:123456789012:recon',
          },
        },
        { MessageId: 'm-2', Body: 'not json', Attributes: { ApproximateReceiveCount: '1' } },
      ],
    });
    // Act
    const result = await peek(
      get(`${base}/reconciliation/messages`, 'reconciliation', { limit: '2' }),
      context,
    );
    // Assess
    assert.equal(result.statusCode, 200);
    const [call] = sqs.commandCalls(ReceiveMessageCommand);
    assert.deepEqual(call?.args[0].input, {
      QueueUrl: DLQ,
      MaxNumberOfMessages: 2,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
    });
    assert.deepEqual(JSON.parse(result.body).data, [
      {
        messageId: 'm-1',
        body: { 'detail-type': 'PaymentSucceeded' },
        receiveCount: 6,
        sentAt: '2030-01-01T00:00:00.000Z',
        sourceQueueArn: 'arn:aws:sqs:us-east-1:123456789012:recon',
      },
      { messageId: 'm-2', body: 'not json', receiveCount: 1, sentAt: null, sourceQueueArn: null },
    ]);
  });

  it('peeks 10 by default and refuses a limit outside 1–10 (400)', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({});
    // Act
    const ok = await peek(get(`${base}/reconciliation/messages`, 'reconciliation'), context);
    const tooMany = await peek(
      get(`${base}/reconciliation/messages`, 'reconciliation', { limit: '11' }),
      context,
    );
    const zero = await peek(
      get(`${base}/reconciliation/messages`, 'reconciliation', { limit: '0' }),
      context,
    );
    // Assess
    assert.deepEqual(JSON.parse(ok.body), { data: [] });
    assert.equal(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input.MaxNumberOfMessages, 10);
    assert.equal(problemOf(tooMany).status, 400);
    assert.equal(problemOf(zero).status, 400);
    assert.equal(sqs.commandCalls(ReceiveMessageCommand).length, 1);
  });

  it('answers 404 for a name that is no DLQ of the stack, without calling SQS', async () => {
    // Act
    const results = [
      await peek(get(`${base}/nope/messages`, 'nope'), context),
      await peek(get(`${base}/constructor/messages`, 'constructor'), context),
      await redrive(post('nope'), context),
      await listRedrives(get(`${base}/nope/redrives`, 'nope'), context),
    ];
    // Assess
    for (const r of results) assert.ok(problemOf(r).type.endsWith('/not-found'));
    assert.equal(sqs.calls().length, 0);
  });

  it('starts a move task from the DLQ back to each message’s source queue: 202 with the task handle', async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'th-1' });
    // Act
    const plain = await redrive(post('reconciliation'), context);
    const paced = await redrive(post('reconciliation', '{"maxPerSecond":5}'), context);
    // Assess
    assert.equal(plain.statusCode, 202);
    assert.deepEqual(JSON.parse(plain.body), { taskHandle: 'th-1', status: 'running' });
    const inputs = sqs.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input);
    // No DestinationArn: SQS sends each message back to its DeadLetterQueueSourceArn.
    assert.deepEqual(inputs, [
      { SourceArn: DLQ_ARN },
      { SourceArn: DLQ_ARN, MaxNumberOfMessagesPerSecond: 5 },
    ]);
    assert.equal(paced.statusCode, 202);
  });

  it('refuses a body with unknown fields or a rate outside 1–500 (400)', async () => {
    // Act
    const results = [
      await redrive(post('reconciliation', '{"destination":"x"}'), context),
      await redrive(post('reconciliation', '{"maxPerSecond":501}'), context),
      await redrive(post('reconciliation', '{"maxPerSecond":1.5}'), context),
    ];
    // Assess
    for (const r of results) assert.equal(problemOf(r).status, 400);
    assert.equal(sqs.calls().length, 0);
  });

  it('answers 409 redrive-in-progress when SQS refuses because a task of this DLQ is running', async () => {
    // Prepare
    sqs
      .on(StartMessageMoveTaskCommand)
      .rejects(sqsError('UnsupportedOperation', 'There is already a task running.'));
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ TaskHandle: 'th-running', Status: 'RUNNING', SourceArn: DLQ_ARN }],
    });
    // Act
    const result = await redrive(post('reconciliation'), context);
    // Assess
    const problem = problemOf(result);
    assert.equal(problem.status, 409);
    assert.ok(problem.type.endsWith('/redrive-in-progress'));
    assert.deepEqual(sqs.commandCalls(ListMessageMoveTasksCommand)[0]?.args[0].input, {
      SourceArn: DLQ_ARN,
      MaxResults: 1,
    });
  });

  it('answers 500 (not 409) when SQS refuses a redrive and no task is running', async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).rejects(sqsError('UnsupportedOperation', 'something else'));
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'COMPLETED', SourceArn: DLQ_ARN }] });
    // Act
    const result = await redrive(post('reconciliation'), context);
    // Assess
    assert.equal(problemOf(result).status, 500);
  });

  it('answers 409 redrive-not-supported for a stream consumer’s on-failure DLQ, without calling SQS', async () => {
    // Act
    const result = await redrive(post('dispatch'), context);
    // Assess
    const problem = problemOf(result);
    assert.equal(problem.status, 409);
    assert.ok(problem.type.endsWith('/redrive-not-supported'));
    assert.equal(sqs.calls().length, 0);
  });

  it('lists the DLQ’s move tasks newest first with lower-case statuses and ISO times', async () => {
    // Prepare
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          Status: 'COMPLETED',
          SourceArn: DLQ_ARN,
          ApproximateNumberOfMessagesMoved: 2,
          ApproximateNumberOfMessagesToMove: 2,
          StartedTimestamp: 1_893_456_000_000,
        },
      ],
    });
    // Act
    const result = await listRedrives(get(`${base}/reconciliation/redrives`, 'reconciliation'), context);
    // Assess
    assert.equal(result.statusCode, 200);
    assert.equal(sqs.commandCalls(ListMessageMoveTasksCommand)[0]?.args[0].input.MaxResults, 10);
    assert.deepEqual(JSON.parse(result.body).data, [
      {
        taskHandle: null,
        status: 'completed',
        sourceArn: DLQ_ARN,
        destinationArn: null,
        maxPerSecond: null,
        messagesMoved: 2,
        messagesToMove: 2,
        failureReason: null,
        startedAt: '2030-01-01T00:00:00.000Z',
      },
    ]);
  });
});
