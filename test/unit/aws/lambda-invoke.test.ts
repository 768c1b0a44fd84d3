/**
 * The bundles' Lambda client (shared/aws/lambda-invoke.ts, aliased for `@aws-sdk/client-lambda`) behind
 * invokeFunction, against the local Lambda endpoint: the same answers the SDK client gives
 * (test/unit/services/invoke.test.ts), and a signed request Lambda would take.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LambdaClient as SdkLambdaClient } from '@aws-sdk/client-lambda';
import { type LambdaEndpoint, startLambdaEndpoint } from '../../../local/src/lambda-api.js';
import { createLogger } from '../../../local/src/log.js';
import { LambdaClient, LambdaServiceException } from '../../../shared/aws/lambda-invoke.js';
import { InvokedFunctionError, invokeFunction, setLambdaClient } from '../../../shared/services/invoke.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Owner:live';

describe('the bundled Lambda Invoke client', () => {
  const received: unknown[] = [];
  let endpoint: LambdaEndpoint;
  let seen: Request | undefined;
  const realFetch = globalThis.fetch;

  before(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
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
    globalThis.fetch = async (input, init) => {
      seen = new Request(input, init);
      return realFetch(input, init);
    };
    const client = new LambdaClient({ endpoint: endpoint.url, region: 'us-east-1', maxAttempts: 1 });
    setLambdaClient(client as unknown as SdkLambdaClient);
  });
  after(async () => {
    globalThis.fetch = realFetch;
    setLambdaClient(undefined);
    await endpoint.close();
  });

  it('answers with the function’s JSON answer, from a signed request naming the alias', async () => {
    // Act
    const answer = await invokeFunction<{ results: unknown[] }>(ARN, { ops: [{ op: 'outcome' }] });
    // Assess
    assert.deepEqual(answer, { results: [{ ops: [{ op: 'outcome' }] }] });
    assert.equal(
      new URL(seen?.url ?? '').pathname,
      `/2015-03-31/functions/${encodeURIComponent(ARN)}/invocations`,
    );
    assert.equal(seen?.headers.get('x-amz-invocation-type'), 'RequestResponse');
    assert.match(
      seen?.headers.get('authorization') ?? '',
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/lambda\//,
    );
  });

  it('throws InvokedFunctionError with the function’s error type and message', async () => {
    await assert.rejects(invokeFunction(ARN, { explode: true }), (error: unknown) => {
      assert.ok(error instanceof InvokedFunctionError);
      assert.equal(error.errorType, 'TypeError');
      assert.match(error.message, /bad input/);
      return true;
    });
  });

  it('returns once an asynchronous invocation is accepted', async () => {
    assert.equal(await invokeFunction(ARN, { queued: 1 }, { async: true }), undefined);
    await endpoint.settled();
    assert.deepEqual(received.at(-1), { queued: 1 });
  });

  it('throws what Lambda refused the call with', async () => {
    await assert.rejects(
      invokeFunction('arn:aws:lambda:us-east-1:000000000000:function:Nobody:live', {}),
      (error: unknown) => {
        assert.ok(error instanceof LambdaServiceException);
        assert.equal(error.name, 'ResourceNotFoundException');
        assert.equal(error.status, 404);
        return true;
      },
    );
  });
});
