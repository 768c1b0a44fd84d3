/** invokeFunction (shared/services/invoke.ts) against the local Lambda endpoint, signed as for AWS. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LambdaEndpoint, startLambdaEndpoint } from '../../../local/src/lambda-api.js';
import { createLogger } from '../../../local/src/log.js';
import { InvokeCallError, InvokedFunctionError, invokeFunction } from '../../../shared/services/invoke.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Owner:live';

describe('invokeFunction', () => {
  const received: unknown[] = [];
  const traces: (string | undefined)[] = [];
  let endpoint: LambdaEndpoint;
  before(async () => {
    endpoint = await startLambdaEndpoint({
      log: createLogger({ quiet: true }),
      asyncRetryDelaysMs: [],
      functions: new Map([
        [
          'Owner',
          {
            async invoke(event: unknown, requestId = 'r', traceHeader?: string) {
              received.push(event);
              traces.push(traceHeader);
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
    // As the local runtime points a function at it (the SDK's variable), with dummy credentials.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_LAMBDA: endpoint.url,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
  });
  after(async () => {
    delete process.env.AWS_ENDPOINT_URL_LAMBDA;
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

  it('throws InvokeCallError with Lambda’s error type when Lambda refuses the call', async () => {
    const unknown = 'arn:aws:lambda:us-east-1:000000000000:function:Nobody:live';
    await assert.rejects(invokeFunction(unknown, {}), (error: unknown) => {
      assert.ok(error instanceof InvokeCallError);
      assert.equal(error.type, 'ResourceNotFoundException');
      assert.equal(error.status, 404);
      return true;
    });
  });

  it('sends the invocation’s X-Ray trace header, as the SDK clients do, in a function only', async () => {
    const trace = 'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1';
    process.env._X_AMZN_TRACE_ID = trace;
    try {
      await invokeFunction(ARN, { traced: 0 });
      assert.equal(traces.at(-1), undefined, 'outside Lambda, no header');
      process.env.AWS_LAMBDA_FUNCTION_NAME = 'payments-test-caller';
      await invokeFunction(ARN, { traced: 1 });
      assert.equal(traces.at(-1), trace);
      await invokeFunction(ARN, { traced: 2 }, { async: true });
      await endpoint.settled();
      assert.equal(traces.at(-1), trace, 'an asynchronous invocation continues the trace too');
    } finally {
      delete process.env._X_AMZN_TRACE_ID;
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
  });

  it('refuses to call without an ARN (an unset environment variable)', async () => {
    await assert.rejects(invokeFunction(undefined, {}), /no function ARN/);
  });
});
