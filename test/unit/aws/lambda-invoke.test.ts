/**
 * The bundles' Lambda Invoke (shared/aws/lambda-invoke.ts, aliased for `@aws-sdk/client-lambda`) answers
 * as the SDK client does, against the local Lambda endpoint: invokeFunction runs unchanged on it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LambdaEndpoint, startLambdaEndpoint } from '../../../local/src/lambda-api.js';
import { createLogger } from '../../../local/src/log.js';
import { InvokeCommand, LambdaClient } from '../../../shared/aws/lambda-invoke.js';
import { InvokedFunctionError, invokeFunction, setLambdaClient } from '../../../shared/services/invoke.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Owner:live';
const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('Lambda Invoke as a signed fetch', () => {
  const received: unknown[] = [];
  let endpoint: LambdaEndpoint;
  let client: LambdaClient;
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
                  error: { errorType: 'InvalidPayloadError', errorMessage: 'bad input' },
                };
              return { ok: true as const, requestId, durationMs: 1, payload: { echo: event } };
            },
          },
        ],
      ]),
    });
    // Configured by the environment, as in a function.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_LAMBDA: endpoint.url,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    client = new LambdaClient();
    setLambdaClient(client as never);
  });
  after(async () => {
    setLambdaClient(undefined);
    await endpoint.close();
  });

  it('answers the function’s JSON through invokeFunction', async () => {
    assert.deepEqual(await invokeFunction(ARN, { a: 1 }), { echo: { a: 1 } });
  });

  it('reports a function error as InvokedFunctionError with its type', async () => {
    await assert.rejects(invokeFunction(ARN, { explode: true }), (error: unknown) => {
      assert.ok(error instanceof InvokedFunctionError);
      assert.equal(error.errorType, 'InvalidPayloadError');
      assert.match(error.message, /bad input/);
      return true;
    });
  });

  it('returns once an Event invocation is accepted (202), and it runs', async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: ARN, InvocationType: 'Event', Payload: encode({ queued: 2 }) }),
    );
    assert.equal(out.StatusCode, 202);
    await endpoint.settled();
    assert.deepEqual(received.at(-1), { queued: 2 });
  });

  it('throws an unknown function with the error type Lambda names', async () => {
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'Nobody', Payload: encode({}) })),
      /Lambda Invoke 404 ResourceNotFoundException/,
    );
  });
});
