/** invokeFunction (shared/services/invoke.ts) against the local Lambda endpoint, through the real SDK client. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { type LambdaEndpoint, startLambdaEndpoint } from '../../../local/src/lambda-api.js';
import { createLogger } from '../../../local/src/log.js';
import { InvokedFunctionError, invokeFunction, setLambdaClient } from '../../../shared/services/invoke.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Owner:live';

describe('invokeFunction', () => {
  const received: unknown[] = [];
  let endpoint: LambdaEndpoint;
  before(async () => {
    endpoint = await startLambdaEndpoint({
      log: createLogger({ quiet: true }),
      asyncRetryDelaysMs: [],
      functions: new Map([
        [
          'Owner',
          {
            async invoke(event: unknown, requestId = 'r') {
              received.push(event);
              if ((event as { explode?: boolean }).explode)
                return {
                  ok: false as const,
                  requestId,
                  durationMs: 1,
                  error: { errorType: 'TypeError', errorMessage: 'bad input' },
                };
              return { ok: true as const, requestId, durationMs: 1, payload: { results: [event] } };
            },
          },
        ],
      ]),
    });
    setLambdaClient(
      new LambdaClient({
        endpoint: endpoint.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      }),
    );
  });
  after(async () => {
    setLambdaClient(undefined);
    await endpoint.close();
  });

  it('answers with the function’s JSON answer', async () => {
    const answer = await invokeFunction<{ results: unknown[] }>(ARN, {
      paymentId: 'pay_1',
      constructor: 'x',
    });
    assert.deepEqual(answer, { results: [{ paymentId: 'pay_1', constructor: 'x' }] });
  });

  it('throws InvokedFunctionError with the function’s error type and message', async () => {
    await assert.rejects(invokeFunction(ARN, { explode: true }), (error: unknown) => {
      assert.ok(error instanceof InvokedFunctionError);
      assert.equal(error.errorType, 'TypeError');
      assert.equal(error.functionArn, ARN);
      assert.match(error.message, /bad input/);
      return true;
    });
  });

  it('returns once an asynchronous invocation is accepted', async () => {
    assert.equal(await invokeFunction(ARN, { queued: 1 }, { async: true }), undefined);
    await endpoint.settled();
    assert.deepEqual(received.at(-1), { queued: 1 });
  });

  it('refuses to call without an ARN (an unset environment variable)', async () => {
    await assert.rejects(invokeFunction(undefined, {}), /no function ARN/);
  });
});
