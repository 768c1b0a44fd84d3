/**
 * The channels' consumers have core's functions read and write for them, once per batch: where a batch's
 * objects stand is one invocation of core's object-states, the dispatcher's refusals and the checks' found
 * outcomes of a whole batch go in one invocation of apply-channel-outcomes, not one per record, and a
 * record whose write core could not make is the record retried.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { ApplyOp, ApplyOutcomesRequest, ApplyResult } from '../../../shared/channels/apply-outcomes.js';
import type { ObjectStatesRequest } from '../../../shared/internal/object-states.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:apply-channel-outcomes:live';
const STATES_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:object-states:live';
process.env.TABLE_NAME = 'payments-unit';
process.env.SANDBOX_PSP_URL = 'http://127.0.0.1:9/';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.CHANNEL_CHECKS_QUEUE_URL = 'http://127.0.0.1:8/000000000000/checks';
process.env.CHANNEL_CHECKS_DEAD_LETTER_QUEUE_URL = 'http://127.0.0.1:8/000000000000/checks-dlq';
process.env.CHANNEL_CHECK_DELAYS = 'sandbox=7';
process.env.AWS_ENDPOINT_URL_SQS = 'http://127.0.0.1:8/';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN = ARN;
process.env.OBJECT_STATES_FUNCTION_ARN = STATES_ARN;
process.env.AWS_ENDPOINT_URL_LAMBDA = 'http://127.0.0.1:7/';

const ddb = mockClient(DynamoDBClient);
const { processBatch: dispatchBatch } = await import('../../../functions/channels/dispatch.js');
const { handler: checkBatch } = await import('../../../functions/channels/check.js');

const ids = ['a', 'b', 'c'].map((c) => `pay_${c.repeat(26)}`);
/** Core's function as the network serves it: `answer(op)` for each operation, each request kept. */
let lambda: { answer: (op: ApplyOp) => ApplyResult; requests: ApplyOutcomesRequest[] } | undefined;
function core(answer: (op: ApplyOp) => ApplyResult = () => ({ kind: 'applied' })) {
  lambda = { answer, requests: [] };
  return lambda.requests;
}
/** What core's object-states function was asked, per invocation: every object is still open at the sandbox. */
let stateRequests: ObjectStatesRequest[] = [];
const invocations = (arn: string) =>
  `http://127.0.0.1:7/2015-03-31/functions/${encodeURIComponent(arn)}/invocations`;
/**
 * The PSP answers `psp(url)`, later for each record (the records reach their write at different times);
 * SQS answers that it took everything; Lambda runs `core`'s answers for an invocation of its function.
 */
const network = (psp: (url: string) => Response) =>
  mock.method(globalThis, 'fetch', async (url: string | URL, init?: RequestInit) => {
    if (String(url).startsWith('http://127.0.0.1:8/')) return Response.json({ Successful: [] });
    if (String(url) === invocations(STATES_ARN)) {
      const request = JSON.parse(String(init?.body)) as ObjectStatesRequest;
      stateRequests.push(request);
      return Response.json({
        states: request.objects.map((o) =>
          o.kind === 'payment'
            ? { status: 'processing', channel: 'sandbox', left: [] }
            : { status: 'pending', channel: 'sandbox', amount: 5 },
        ),
      });
    }
    if (String(url) === invocations(ARN)) {
      const request = JSON.parse(String(init?.body)) as ApplyOutcomesRequest;
      lambda?.requests.push(request);
      return Response.json({ results: request.ops.map((op) => lambda?.answer(op)) });
    }
    const which = ids.findIndex((id) => `${url} ${init?.body ?? ''}`.includes(id));
    await new Promise((resolve) => setTimeout(resolve, 100 * Math.max(which, 0)));
    return psp(String(url));
  });

describe('channel writes through core, once per batch', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.onAnyCommand().resolves({});
    stateRequests = [];
  });
  afterEach(() => mock.restoreAll());

  it('fails the payment and the refunds a channel refused, every record of the batch in one invocation', async () => {
    // Prepare: a payment and two refunds, each refused by the PSP at its own time.
    const requests = core();
    network(() => Response.json({ message: 'refused' }, { status: 402 }));
    const images = [
      { entity: 'payment', id: ids[0], amount: 1013, currency: 'USD', channel: 'sandbox' },
      ...ids.slice(1).map((paymentId, i) => ({
        entity: 'refund',
        id: `re_${i}`,
        paymentId,
        amount: 5,
        currency: 'USD',
        channel: 'sandbox',
      })),
    ];
    const Records = images.map((image, i) => ({
      eventName: 'INSERT' as const,
      dynamodb: {
        SequenceNumber: String(i + 1),
        NewImage: marshall(image) as Record<string, AttributeValue>,
      },
    }));
    // Act
    const result = await dispatchBatch({ Records } as unknown as DynamoDBStreamEvent);
    // Assess
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(stateRequests, [{ objects: [{ kind: 'payment', id: ids[0] }], consistent: true }]);
    assert.equal(requests.length, 1);
    assert.deepEqual(requests[0]?.ops.map((o) => [o.op, (o as { paymentId: string }).paymentId]).sort(), [
      ['failPayment', ids[0]],
      ['failRefund', ids[1]],
      ['failRefund', ids[2]],
    ]);
  });

  it('applies what the checks of a batch found in one invocation, retrying only the one core could not apply', async () => {
    // Prepare
    const requests = core((op) =>
      (op as { reference?: string }).reference === ids[1]
        ? { kind: 'error', code: 'ThrottlingException', message: 'slow down' }
        : { kind: 'applied' },
    );
    network(() =>
      Response.json({ channelReference: 'sbx_1', state: 'succeeded', amount: 1013, currency: 'USD' }),
    );
    const check = (reference: string) =>
      JSON.stringify({
        kind: 'payment',
        reference,
        paymentId: reference,
        channel: 'sandbox',
        currency: 'USD',
        check: 1,
      });
    const Records = ids.map((id, i) => ({ messageId: `m${i}`, body: check(id), attributes: {} }));
    // Act
    const result = await checkBatch({ Records } as unknown as SQSEvent);
    // Assess
    // Where the three payments stand: one read of core's for the batch, eventually consistent.
    assert.deepEqual(stateRequests, [
      { objects: ids.map((id) => ({ kind: 'payment', id })), consistent: false },
    ]);
    assert.equal(requests.length, 1);
    assert.deepEqual(
      requests[0]?.ops
        .map((o) => [o.op, (o as { reference: string }).reference, (o as { to: string }).to])
        .sort(),
      ids.map((id) => ['outcome', id, 'succeeded']),
    );
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });
});
