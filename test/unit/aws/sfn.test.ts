/**
 * The signed StartExecution call: an AWS JSON 1.0 request to the SFN endpoint, signed; the name already
 * taken is its own error; 5xx answers retried; other errors named.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ExecutionAlreadyExistsError, startExecution } from '../../../shared/aws/sfn.js';

const input = {
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:s',
  name: 'str_1',
  input: '{}',
};
const saved = { ...process.env };

describe('startExecution', () => {
  beforeEach(() => {
    process.env.AWS_ENDPOINT_URL_SFN = 'http://127.0.0.1:9/';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_REGION = 'us-east-1';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('sends a signed StartExecution and answers its execution ARN', async () => {
    // Prepare
    const seen: { url: string; init: RequestInit }[] = [];
    const fake = (async (url: URL, init: RequestInit) => {
      seen.push({ url: String(url), init });
      return new Response(JSON.stringify({ executionArn: 'arn:exec', startDate: 1 }), { status: 200 });
    }) as unknown as typeof fetch;
    // Act
    const started = await startExecution(input, fake);
    // Assess
    assert.deepEqual(started, { executionArn: 'arn:exec' });
    const headers = seen[0]?.init.headers as Record<string, string>;
    assert.equal(headers['x-amz-target'], 'AWSStepFunctions.StartExecution');
    assert.equal(headers['content-type'], 'application/x-amz-json-1.0');
    assert.match(
      headers.authorization ?? '',
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/states\/aws4_request/,
    );
    assert.deepEqual(JSON.parse(String(seen[0]?.init.body)), input);
  });

  it('tells a name already taken apart, and retries a 5xx', async () => {
    let calls = 0;
    const flaky = (async () => {
      calls += 1;
      return calls === 1
        ? new Response('{}', { status: 503 })
        : new Response(
            JSON.stringify({ __type: 'com.amazonaws.sfn#ExecutionAlreadyExists', message: 'taken' }),
            {
              status: 400,
            },
          );
    }) as unknown as typeof fetch;
    await assert.rejects(startExecution(input, flaky), ExecutionAlreadyExistsError);
    assert.equal(calls, 2);
  });

  it('names any other refusal', async () => {
    const denied = (async () =>
      new Response(JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }), {
        status: 400,
      })) as unknown as typeof fetch;
    await assert.rejects(
      startExecution(input, denied),
      /StartExecution failed: AccessDeniedException \(no\)/,
    );
  });
});
