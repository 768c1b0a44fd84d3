import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { invokeCoreOutcomesInProcess } from '../../support/core-outcomes.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.SANDBOX_PSP_URL = 'http://127.0.0.1:9/';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.CHANNEL_CHECKS_QUEUE_URL = 'http://127.0.0.1:8/000000000000/checks';
process.env.CHANNEL_CHECK_DELAYS = 'sandbox=7';
process.env.AWS_ENDPOINT_URL_SQS = 'http://127.0.0.1:8/';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
const SQS = 'http://127.0.0.1:8/';

const realFetch = globalThis.fetch;
/** The PSP answers `psp`; SQS (the channel checks) answers `sqs`; core's functions (Lambda) answer. */
function network(
  psp: (url: string) => Response,
  sqs: () => Response = () => Response.json({ Successful: [] }),
) {
  return mock.method(globalThis, 'fetch', async (url: string | URL, init?: RequestInit) => {
    if (String(url).startsWith(String(process.env.AWS_ENDPOINT_URL_LAMBDA))) return realFetch(url, init);
    return String(url) === SQS ? sqs() : psp(String(url));
  });
}
const sqsBodies = (fetchMock: ReturnType<typeof network>) =>
  fetchMock.mock.calls
    .filter((c) => String(c.arguments[0]) === SQS)
    .map((c) => JSON.parse(String(c.arguments[1]?.body)));
const pspCalls = (fetchMock: ReturnType<typeof network>) =>
  fetchMock.mock.calls.filter(
    (c) =>
      String(c.arguments[0]) !== SQS &&
      !String(c.arguments[0]).startsWith(String(process.env.AWS_ENDPOINT_URL_LAMBDA)),
  );
// The dispatcher asks core's function where the batch's payments stand (one BatchGetItem of core's): the
// table answers each is still processing; the channels' own records read as absent (defaults).
const ddb = mockClient(DynamoDBClient);
ddb.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => {
  const [table, request] = Object.entries(input.RequestItems ?? {})[0] ?? [];
  const objects = (request?.Keys ?? []).filter((k) => String(unmarshall(k).PK).startsWith('OBJ#'));
  const item = { entity: 'payment', status: 'processing', channel: 'sandbox' };
  return { Responses: { [String(table)]: objects.map((k) => ({ ...k, ...marshall(item) })) } };
});
// The outcome is applied by core's function, run here against the same mocked table.
await invokeCoreOutcomesInProcess();
const { processBatch } = await import('../../../functions/channels/dispatch.js');

const record = (seq: string, item: Record<string, unknown>) => ({
  eventName: 'INSERT' as const,
  dynamodb: { SequenceNumber: seq, NewImage: marshall(item) as Record<string, AttributeValue> },
});
const PAY_ID = `pay_${'a'.repeat(26)}`;
const payment = {
  entity: 'payment',
  id: PAY_ID,
  amount: 1013,
  currency: 'USD',
  channel: 'sandbox',
  metadata: { sandbox_outcome: 'none' },
};
const refund = {
  entity: 'refund',
  id: 're_1',
  paymentId: PAY_ID,
  amount: 5,
  currency: 'USD',
  channel: 'sandbox',
  sandboxOutcome: 'fail',
};

describe('stream dispatcher', () => {
  afterEach(() => mock.restoreAll());

  it('submits new payments and refunds to the sandbox PSP with their outcome overrides', async () => {
    // Prepare
    const fetchMock = network(() => Response.json({ channelReference: 'sbx_1' }));
    const event = { Records: [record('1', payment), record('2', refund)] } as unknown as DynamoDBStreamEvent;
    // Act
    const result = await processBatch(event);
    // Assess
    assert.deepEqual(result, { batchItemFailures: [] });
    // Records are dispatched together: the payment's read may let the refund go first.
    const calls = pspCalls(fetchMock)
      .map((c) => [String(c.arguments[0]), JSON.parse(String(c.arguments[1]?.body))])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(calls, [
      ['http://127.0.0.1:9/payments', { reference: PAY_ID, amount: 1013, currency: 'USD', outcome: 'none' }],
      [
        'http://127.0.0.1:9/refunds',
        { reference: 're_1', paymentReference: PAY_ID, amount: 5, currency: 'USD', outcome: 'fail' },
      ],
    ]);
  });

  it('reports the records the PSP could not take so the stream retries them', async () => {
    // Prepare
    network((url) =>
      url.endsWith('/refunds')
        ? new Response('busy', { status: 503 })
        : Response.json({ channelReference: 'x' }),
    );
    const event = { Records: [record('1', payment), record('2', refund)] } as unknown as DynamoDBStreamEvent;
    // Act
    const result = await processBatch(event);
    // Assess
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '2' }] });
  });

  it('schedules one delayed check per accepted submission, in one SQS call per batch', async () => {
    // Prepare
    const fetchMock = network(() => Response.json({ channelReference: 'sbx_1' }));
    const event = { Records: [record('1', payment), record('2', refund)] } as unknown as DynamoDBStreamEvent;
    // Act
    await processBatch(event);
    // Assess
    const calls = sqsBodies(fetchMock);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.QueueUrl, 'http://127.0.0.1:8/000000000000/checks');
    const entries: { DelaySeconds: number; MessageBody: string }[] = calls[0]?.Entries ?? [];
    assert.deepEqual(
      entries.map((e) => e.DelaySeconds),
      [7, 7],
    );
    assert.deepEqual(
      entries
        .map((e) => JSON.parse(String(e.MessageBody)))
        .map((c) => [c.kind, c.reference, c.channel, c.check])
        .sort(),
      [
        ['payment', PAY_ID, 'sandbox', 1],
        ['refund', 're_1', 'sandbox', 1],
      ],
    );
  });

  it('retries the whole batch when its checks cannot be queued', async () => {
    // Prepare
    network(
      () => Response.json({ channelReference: 'sbx_1' }),
      () => Response.json({ __type: 'AccessDeniedException' }, { status: 403 }),
    );
    const event = { Records: [record('1', payment), record('2', refund)] } as unknown as DynamoDBStreamEvent;
    // Act
    const result = await processBatch(event);
    // Assess
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '1' }, { itemIdentifier: '2' }] });
  });

  it("asks core where the batch's payments stand in one read, not one per payment", async () => {
    // Prepare
    network(() => Response.json({ channelReference: 'sbx_1' }));
    const other = { ...payment, id: `pay_${'b'.repeat(26)}` };
    const failed = { ...payment, id: `pay_${'c'.repeat(26)}`, status: 'failed', channel: null };
    const event = {
      Records: [record('1', payment), record('2', refund), record('3', other), record('4', failed)],
    } as unknown as DynamoDBStreamEvent;
    ddb.resetHistory();
    // Act
    const result = await processBatch(event);
    // Assess
    assert.deepEqual(result, { batchItemFailures: [] });
    const objectReads = ddb
      .commandCalls(BatchGetItemCommand)
      .map((c) => Object.values(c.args[0].input.RequestItems ?? {})[0])
      .filter((r) => r?.Keys?.some((k) => String(unmarshall(k).PK).startsWith('OBJ#')));
    // The two processing payments, strongly consistent; neither the refund nor the failed payment.
    assert.equal(objectReads.length, 1);
    assert.equal(objectReads[0]?.ConsistentRead, true);
    assert.deepEqual(objectReads[0]?.Keys?.map((k) => unmarshall(k).PK).sort(), [
      `OBJ#${'a'.repeat(26)}`,
      `OBJ#${'b'.repeat(26)}`,
    ]);
  });

  it('skips items that are neither payments nor refunds', async () => {
    // Prepare
    const fetchMock = mock.method(globalThis, 'fetch', async () => Response.json({}));
    const event = { Records: [record('1', { entity: 'refundRequest' })] } as unknown as DynamoDBStreamEvent;
    // Act
    const result = await processBatch(event);
    // Assess
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(fetchMock.mock.callCount(), 0);
  });
});
