/**
 * The bundles' Lambda client (shared/aws/lambda-client.ts, aliased for @aws-sdk/client-lambda) against the
 * local Lambda endpoint, through invokeFunction as the functions call it: an answer, a function error, a
 * queued invocation, an unknown function, and a signed request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LambdaEndpoint, startLambdaEndpoint } from '../../../local/src/lambda-api.js';
import { createLogger } from '../../../local/src/log.js';
import { LambdaClient } from '../../../shared/aws/lambda-client.js';
import { InvokedFunctionError, invokeFunction, setLambdaClient } from '../../../shared/services/invoke.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Owner:live';

describe('the bundles’ Lambda client', () => {
  const received: unknown[] = [];
  const saved = { ...process.env };
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
              return { ok: true as const, requestId, durationMs: 1, payload: { echo: event } };
            },
          },
        ],
      ]),
    });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_LAMBDA: endpoint.url,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    setLambdaClient(new LambdaClient({ maxAttempts: 1 }) as never);
  });
  after(async () => {
    setLambdaClient(undefined);
    process.env = saved;
    await endpoint.close();
  });

  it('answers the function’s answer', async () => {
    assert.deepEqual(await invokeFunction(ARN, { page: 1, note: 'ü' }), { echo: { page: 1, note: 'ü' } });
  });

  it('throws the function’s error as InvokedFunctionError', async () => {
    await assert.rejects(invokeFunction(ARN, { explode: true }), (error: unknown) => {
      assert.ok(error instanceof InvokedFunctionError);
      assert.equal(error.errorType, 'TypeError');
      assert.match(error.message, /bad input/);
      return true;
    });
  });

  it('queues an Event invocation and returns once accepted', async () => {
    assert.equal(await invokeFunction(ARN, { queued: true }, { async: true }), undefined);
    await endpoint.settled();
    assert.ok(received.some((e) => (e as { queued?: boolean }).queued));
  });

  it('throws Lambda’s refusal with its error type', async () => {
    await assert.rejects(
      invokeFunction('arn:aws:lambda:us-east-1:000000000000:function:Nobody:live', {}),
      (error: unknown) => {
        assert.equal((error as Error).name, 'ResourceNotFoundException');
        assert.equal((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 404);
        return true;
      },
    );
  });

  it('signs the request with SigV4 for lambda', async () => {
    const seen: Headers[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      seen.push(new Headers(init?.headers));
      return original(input, init);
    };
    try {
      await invokeFunction(ARN, {});
    } finally {
      globalThis.fetch = original;
    }
    assert.match(
      seen[0]?.get('authorization') ?? '',
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/lambda\//,
    );
    assert.equal(seen[0]?.get('x-amz-invocation-type'), 'RequestResponse');
  });
});
