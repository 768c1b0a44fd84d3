/**
 * Dead letters on the local runtime, end to end: messages the risk consumer cannot parse are received
 * until the queue's maxReceiveCount and dead-lettered by the local SQS; ops list the DLQ, peek at them
 * (they stay), redrive them with a move task back to the risk queue (a second redrive while it runs is a
 * 409), see the task complete and the DLQ empty.
 *
 * The runtime caps visibility timeouts at 1 s: with the template's 180 s the five failed receives before
 * dead-lettering would take 15 minutes. The consumer's mapping is the only receiver (no payment is created
 * here), so the count is exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { MERCHANT_1 } from '../support/http.js';

const BASE = '/v1/ops/dead-letter-queues';
/** Enough messages that a move task at 1 message per tick lasts long enough to be seen running. */
const POISON = 10;

const e2e = useLocalRuntime({
  maxVisibilityTimeoutSeconds: 1,
  maxBatchingWindowSeconds: 0,
});

async function riskDlq(): Promise<{
  name: string;
  url: string;
  arn: string;
  sourceQueues: string[];
  approximateMessages: number;
}> {
  const listed = await e2e.ops.request('GET', BASE);
  assert.equal(listed.status, 200, listed.text);
  const dlq = listed.body.data.find((q: { name: string }) => q.name === 'risk');
  assert.ok(dlq, listed.text);
  return dlq;
}

async function depth(queueUrl: string): Promise<number> {
  const { Attributes } = await e2e.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

describe('dead letters on the local runtime', () => {
  it('lists every DLQ of the stack to ops only, and answers 404 for an unknown one', async () => {
    // Act
    const listed = await e2e.ops.request('GET', BASE);
    const anonymous = await e2e.ops.request('GET', BASE, { key: null });
    const merchant = await e2e.ops.request('GET', BASE, { key: MERCHANT_1.key });
    const unknown = await e2e.ops.request('GET', `${BASE}/nope/messages`);
    // Assess
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      listed.body.data.map((q: { name: string }) => q.name),
      [
        'channel-checks',
        'channel-health',
        'dispatch',
        'merchant-webhooks',
        'publisher',
        'reconciliation-runs',
        'risk',
        'usage-aggregator',
      ],
    );
    assert.deepEqual([anonymous.status, merchant.status, unknown.status], [401, 403, 404]);
    assert.equal(unknown.headers.get('content-type'), 'application/problem+json');
  });

  it('dead-letters unparseable messages, peeks at them, redrives them to their queue and empties the DLQ', async () => {
    // Prepare: poison messages straight into the risk queue
    const dlq = await riskDlq();
    assert.equal(dlq.approximateMessages, 0);
    const [sourceName] = dlq.sourceQueues;
    assert.ok(sourceName);
    const { QueueUrl: sourceUrl } = await e2e.sqs.send(new GetQueueUrlCommand({ QueueName: sourceName }));
    const bodies = Array.from({ length: POISON }, (_, i) => `not an event #${i}`);
    await e2e.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: sourceUrl,
        Entries: bodies.map((body, i) => ({ Id: `m${i}`, MessageBody: body })),
      }),
    );

    // Act 1: the consumer fails them until maxReceiveCount; SQS moves them to the DLQ
    await eventually(
      async () => ((await riskDlq()).approximateMessages === POISON ? true : undefined),
      20_000,
    );

    // Assess 1: a peek shows them with their source queue, and leaves them where they are
    const peeked = await e2e.ops.request('GET', `${BASE}/risk/messages?limit=10`);
    assert.equal(peeked.status, 200, peeked.text);
    assert.ok(peeked.body.data.length > 0);
    for (const m of peeked.body.data) {
      assert.ok(bodies.includes(m.body), m.body);
      assert.ok(m.sourceQueueArn.endsWith(`:${sourceName}`), m.sourceQueueArn);
      assert.equal(typeof m.messageId, 'string');
      assert.ok(Date.parse(m.sentAt) > 0);
    }
    assert.equal((await riskDlq()).approximateMessages, POISON);
    const badLimit = await e2e.ops.request('GET', `${BASE}/risk/messages?limit=11`);
    assert.equal(badLimit.status, 400);

    // Act 2: redrive, slowly enough that a second redrive meets the running task
    const started = await e2e.ops.request('POST', `${BASE}/risk/redrive`, {
      body: { maxPerSecond: 1 },
      idempotencyKey: 'redrive-1',
    });
    const second = await e2e.ops.request('POST', `${BASE}/risk/redrive`, { body: {} });

    // Assess 2
    assert.equal(started.status, 202, started.text);
    assert.equal(started.body.status, 'running');
    assert.equal(typeof started.body.taskHandle, 'string');
    assert.equal(second.status, 409, second.text);
    assert.ok(second.body.type.endsWith('/redrive-in-progress'));

    const task = await eventually(async () => {
      const listed = await e2e.ops.request('GET', `${BASE}/risk/redrives`);
      assert.equal(listed.status, 200, listed.text);
      return listed.body.data[0]?.status === 'completed' ? listed.body.data[0] : undefined;
    }, 20_000);
    // The DLQ is empty and its messages are back in the risk queue (before, failing again, they
    // could be dead-lettered anew: that takes five 1 s receives).
    const after = await riskDlq();
    const back = await depth(sourceUrl as string);
    assert.equal(task.messagesMoved, POISON);
    assert.equal(task.sourceArn, dlq.arn);
    assert.equal(after.approximateMessages, 0);
    assert.equal(back, POISON);
  });

  it('refuses to redrive a stream consumer’s on-failure DLQ (409)', async () => {
    // Act
    const refused = await e2e.ops.request('POST', `${BASE}/dispatch/redrive`, { body: {} });
    // Assess
    assert.equal(refused.status, 409, refused.text);
    assert.ok(refused.body.type.endsWith('/redrive-not-supported'));
  });
});
