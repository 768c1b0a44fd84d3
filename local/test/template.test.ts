import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { httpApiWiring } from '../src/api-routes.js';
import { functionSpec } from '../src/functions.js';
import { type ResolveContext, resolveValue, UnresolvableError } from '../src/resolve.js';
import { streamMappings } from '../src/stream-mappings.js';
import { createTableInput } from '../src/tables.js';
import { loadTemplate } from '../src/template.js';

const assemblyDir = fileURLToPath(new URL('./fixtures/assembly/', import.meta.url));
const loaded = loadTemplate(assemblyDir);
const STREAM_ARN =
  'arn:aws:dynamodb:ddblocal:000000000000:table/PaymentsTableABCD1234/stream/2026-01-01T00:00:00.000';
const ctx: ResolveContext = {
  template: loaded.template,
  region: 'us-east-1',
  accountId: '000000000000',
  stackName: loaded.stackName,
  secrets: { 'payments/channels/sandbox/webhook-secrets': 'whsec_sandbox_local' },
  attributes: { 'PaymentsTableABCD1234.StreamArn': STREAM_ARN },
};
// biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub syntax, not a JS template literal.
const SUB_TEMPLATE = '${A}.${AWS::URLSuffix}/${!Literal}/${CreatePaymentFunctionABCD.Arn}';
const SUB_RESULT =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the escaped `${!Literal}` comes out as `${Literal}`.
  'x.amazonaws.com/${Literal}/arn:aws:lambda:us-east-1:000000000000:function:CreatePaymentFunctionABCD';
const options = {
  dynamoEndpoint: 'http://127.0.0.1:8000',
  overrides: { SANDBOX_PSP_URL: 'http://127.0.0.1:9999' },
};

describe('template resolution', () => {
  it('finds the stack template through the assembly manifest', () => {
    assert.equal(loaded.stackName, 'Payments');
    assert.ok(loaded.template.Resources.PaymentsTableABCD1234);
  });

  it('resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and pseudo parameters', () => {
    assert.equal(resolveValue(ctx, { Ref: 'PaymentsTableABCD1234' }), 'PaymentsTableABCD1234');
    assert.equal(
      resolveValue(ctx, { 'Fn::GetAtt': ['PaymentsTableABCD1234', 'Arn'] }),
      'arn:aws:dynamodb:us-east-1:000000000000:table/PaymentsTableABCD1234',
    );
    assert.equal(resolveValue(ctx, { 'Fn::GetAtt': 'PaymentsTableABCD1234.StreamArn' }), STREAM_ARN);
    assert.equal(
      resolveValue(ctx, { 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }]] }),
      'a-us-east-1-000000000000',
    );
    assert.equal(
      resolveValue(ctx, {
        'Fn::Sub': [SUB_TEMPLATE, { A: 'x' }],
      }),
      SUB_RESULT,
    );
    assert.equal(resolveValue(ctx, { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }), 'b');
    assert.deepEqual(resolveValue(ctx, ['a', { Ref: 'AWS::NoValue' }]), ['a']);
  });

  it('resolves Secrets Manager dynamic references by secret name or ARN', () => {
    const value = {
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'WebhookSecret1A2B3C4D' }, ':SecretString:::}}']],
    };
    assert.equal(resolveValue(ctx, value), 'whsec_sandbox_local');
    assert.equal(
      resolveValue(
        ctx,
        '{{resolve:secretsmanager:payments/channels/sandbox/webhook-secrets:SecretString:::}}',
      ),
      'whsec_sandbox_local',
    );
    assert.throws(
      () => resolveValue(ctx, '{{resolve:secretsmanager:other:SecretString:::}}'),
      /no local value for secret other/,
    );
    assert.throws(() => resolveValue(ctx, '{{resolve:ssm:/a/b}}'), UnresolvableError);
  });

  it('fails loudly on what it cannot resolve', () => {
    assert.throws(() => resolveValue(ctx, { Ref: 'Nope' }), /Ref to Nope, which is not in the template/);
    assert.throws(() => resolveValue(ctx, { 'Fn::GetAtt': ['SomeQueue', 'Nope'] }), /AWS::SQS::Queue/);
  });

  it("resolves a queue's Ref to its URL: the local endpoint's when known, else the AWS form", () => {
    assert.equal(
      resolveValue(ctx, { Ref: 'SomeQueue' }),
      'https://sqs.us-east-1.amazonaws.com/000000000000/SomeQueue',
    );
    const local = { ...ctx, refs: { SomeQueue: 'http://127.0.0.1:4566/000000000000/SomeQueue' } };
    assert.equal(resolveValue(local, { Ref: 'SomeQueue' }), 'http://127.0.0.1:4566/000000000000/SomeQueue');
    assert.equal(
      resolveValue(ctx, { 'Fn::GetAtt': ['SomeQueue', 'Arn'] }),
      'arn:aws:sqs:us-east-1:000000000000:SomeQueue',
    );
    assert.throws(() => resolveValue(ctx, { 'Fn::If': ['C', 'a', 'b'] }), /Fn::If is not supported/);
  });

  it("builds a function's environment: template variables resolved, local overrides, Lambda's own variables", () => {
    const spec = functionSpec(loaded, ctx, 'CreatePaymentFunctionABCD', options);
    assert.equal(spec.exportName, 'handler');
    assert.match(spec.file, /asset\.fixture\/index\.mjs$/);
    assert.equal(spec.timeoutSeconds, 1);
    assert.equal(spec.memorySize, 256);
    const env = spec.environment;
    assert.equal(env.TABLE_NAME, 'PaymentsTableABCD1234');
    assert.equal(env.STREAM_ARN, STREAM_ARN);
    assert.equal(env.SANDBOX_WEBHOOK_SECRETS, 'whsec_sandbox_local');
    assert.equal(env.SELF_URL, 'https://api.us-east-1.amazonaws.com/PaymentsTableABCD1234');
    assert.equal(env.FIRST_AZ, 'us-east-1a');
    assert.equal(env.SANDBOX_PSP_URL, 'http://127.0.0.1:9999');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.equal(env.AWS_ENDPOINT_URL_DYNAMODB, 'http://127.0.0.1:8000');
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'CreatePaymentFunctionABCD');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.equal(env.AWS_ACCESS_KEY_ID, 'local');
  });

  it('names the function and the variable it cannot resolve', () => {
    assert.throws(
      () => functionSpec(loaded, ctx, 'BrokenFunction1234', options),
      (error: Error) =>
        error instanceof UnresolvableError && /BrokenFunction1234.*QUEUE_URL/.test(error.message),
    );
  });

  it('reads routes and their functions', () => {
    const [api] = httpApiWiring(loaded.template);
    assert.equal(api?.apiLogicalId, 'HttpApiF5A9A8A7');
    const create = api?.routes.find((r) => r.routeKey === 'POST /v1/payments');
    assert.deepEqual(create?.target, { functionLogicalId: 'CreatePaymentFunctionABCD' });
    assert.ok(api?.routes.some((r) => r.routeKey === 'GET /health'));
  });

  it('refuses a route with an authorizer rather than serving it unauthorized', () => {
    const template = structuredClone(loaded.template);
    const route = template.Resources.HttpApiPOSTv1paymentsRoute?.Properties as Record<string, unknown>;
    route.AuthorizationType = 'CUSTOM';
    assert.throws(() => httpApiWiring(template), /POST \/v1\/payments: authorization CUSTOM is not emulated/);
  });

  it('reads stream event source mappings with their filters and failure policy', () => {
    const [m] = streamMappings(loaded.template, ctx);
    assert.deepEqual(m, {
      logicalId: 'DispatchMapping',
      functionLogicalId: 'CreatePaymentFunctionABCD',
      tableLogicalId: 'PaymentsTableABCD1234',
      startingPosition: 'TRIM_HORIZON',
      filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['payment', 'refund'] } } } }],
      batchSize: 10,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 3,
      bisectBatchOnFunctionError: true,
    });
  });

  it('turns a template table into a CreateTable request with its stream and indexes', () => {
    const props = loaded.template.Resources.PaymentsTableABCD1234?.Properties ?? {};
    const input = createTableInput('T', props);
    assert.equal(input.TableName, 'T');
    assert.deepEqual(input.StreamSpecification, {
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    assert.equal(input.BillingMode, 'PAY_PER_REQUEST');
    assert.equal(input.ProvisionedThroughput, undefined);
    assert.equal(input.GlobalSecondaryIndexes?.[0]?.IndexName, 'GSI1');
  });
});
