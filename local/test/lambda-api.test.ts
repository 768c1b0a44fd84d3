/** The local Lambda Invoke endpoint through the real @aws-sdk/client-lambda (REST-JSON). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  functionNameOf,
  type InvocableFunction,
  invokedFunctionIds,
  type LambdaEndpoint,
  startLambdaEndpoint,
} from '../src/lambda-api.js';
import type { InvokeResult } from '../src/lambda-runner.js';
import { createLogger } from '../src/log.js';
import type { CfnTemplate } from '../src/template.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:ApplyFn:live';

/** A function that answers with what it was given, fails on `{ fail: true }`, and records its events. */
function fakeFunction(failures: { remaining: number } = { remaining: 0 }) {
  const events: unknown[] = [];
  const fn: InvocableFunction = {
    async invoke(event, requestId = 'r'): Promise<InvokeResult> {
      events.push(event);
      const wantsFailure = (event as { fail?: boolean }).fail === true || failures.remaining-- > 0;
      return wantsFailure
        ? {
            ok: false,
            requestId,
            durationMs: 1,
            error: { errorType: 'ConditionalCheckFailed', errorMessage: 'no', stackTrace: ['at x'] },
          }
        : { ok: true, requestId, durationMs: 1, payload: { echoed: event } };
    },
  };
  return { fn, events };
}

const decode = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : '');
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('local Lambda endpoint', () => {
  const apply = fakeFunction();
  const flaky = fakeFunction({ remaining: 2 });
  const broken = fakeFunction({ remaining: 99 });
  const errors: string[] = [];
  let endpoint: LambdaEndpoint;
  let client: LambdaClient;
  before(async () => {
    const log = createLogger({ quiet: true });
    endpoint = await startLambdaEndpoint({
      functions: new Map([
        ['ApplyFn', apply.fn],
        ['FlakyFn', flaky.fn],
        ['BrokenFn', broken.fn],
      ]),
      log: { ...log, error: (message: string) => errors.push(message) },
      asyncRetryDelaysMs: [10, 20],
    });
    client = new LambdaClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    await endpoint.close();
  });

  it('answers a synchronous invoke by name, ARN and qualified ARN with the function’s answer', async () => {
    for (const name of ['ApplyFn', ARN, 'arn:aws:lambda:us-east-1:000000000000:function:ApplyFn']) {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: name,
          Payload: encode({ paymentId: 'pay_1', metadata: { a: 'é' } }),
        }),
      );
      assert.equal(out.StatusCode, 200);
      assert.equal(out.FunctionError, undefined);
      assert.deepEqual(JSON.parse(decode(out.Payload)), {
        echoed: { paymentId: 'pay_1', metadata: { a: 'é' } },
      });
    }
  });

  it('answers a function error with 200, FunctionError Unhandled and the error payload', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: ARN, Payload: encode({ fail: true }) }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    assert.deepEqual(JSON.parse(decode(out.Payload)), {
      errorType: 'ConditionalCheckFailed',
      errorMessage: 'no',
      stackTrace: ['at x'],
    });
  });

  it('accepts an Event invocation at once and retries a failing one twice, as Lambda does', async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: 'FlakyFn', InvocationType: 'Event', Payload: encode({ n: 1 }) }),
    );
    assert.equal(out.StatusCode, 202);
    await endpoint.settled();
    assert.deepEqual(flaky.events, [{ n: 1 }, { n: 1 }, { n: 1 }]);

    await client.send(
      new InvokeCommand({ FunctionName: 'BrokenFn', InvocationType: 'Event', Payload: encode({}) }),
    );
    await endpoint.settled();
    assert.equal(broken.events.length, 3, 'the first attempt and two retries');
    assert.ok(errors.some((e) => e.includes('BrokenFn') && e.includes('dropped after 3 attempts')));
  });

  it('answers DryRun 204 without running, an unknown function ResourceNotFoundException', async () => {
    const before = apply.events.length;
    const dry = await client.send(new InvokeCommand({ FunctionName: 'ApplyFn', InvocationType: 'DryRun' }));
    assert.equal(dry.StatusCode, 204);
    assert.equal(apply.events.length, before);
    await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'Nope', Payload: encode({}) })), {
      name: 'ResourceNotFoundException',
    });
  });

  it('refuses a body that is not JSON with InvalidRequestContentException', async () => {
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'ApplyFn', Payload: new TextEncoder().encode('{nope') })),
      { name: 'InvalidRequestContentException' },
    );
  });
});

describe('functions other functions invoke', () => {
  it('are those an IAM policy grants lambda:InvokeFunction on, by function, alias or SSM-held ARN', () => {
    const template: CfnTemplate = {
      Parameters: {
        ApplyArn: {
          Type: 'AWS::SSM::Parameter::Value<String>',
          Default: 'arn:aws:lambda:us-east-1:000000000000:function:ApplyFn:live',
        },
      },
      Resources: {
        ApplyFn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'ApplyFn' } },
        OtherFn: { Type: 'AWS::Lambda::Function', Properties: {} },
        OtherAlias: {
          Type: 'AWS::Lambda::Alias',
          Properties: { FunctionName: { Ref: 'OtherFn' }, Name: 'live' },
        },
        Unused: { Type: 'AWS::Lambda::Function', Properties: {} },
        CallerPolicy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { Ref: 'ApplyArn' } },
                { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [{ Ref: 'OtherAlias' }] },
                {
                  Effect: 'Allow',
                  Action: 'dynamodb:GetItem',
                  Resource: { 'Fn::GetAtt': ['Unused', 'Arn'] },
                },
                { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { Ref: 'NotInTemplate' } },
              ],
            },
          },
        },
      },
    } as unknown as CfnTemplate;
    const ids = invokedFunctionIds({
      template,
      region: 'us-east-1',
      accountId: '000000000000',
      stackName: 's',
      secrets: {},
    });
    assert.deepEqual([...ids].sort(), ['ApplyFn', 'OtherFn']);
  });

  it('are named by the part of the ARN after :function:', () => {
    assert.equal(functionNameOf(encodeURIComponent(ARN)), 'ApplyFn');
    assert.equal(functionNameOf('ApplyFn:live'), 'ApplyFn');
    assert.equal(functionNameOf('ApplyFn'), 'ApplyFn');
  });
});
