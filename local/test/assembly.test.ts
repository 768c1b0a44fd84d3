import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { httpApiWiring } from '../src/api-routes.js';
import { mergeStacks, readStacks, type StackArtifact } from '../src/assembly.js';
import { eventBuses, queueConfigs, sqsMappings } from '../src/event-wiring.js';
import { functionSpec } from '../src/functions.js';
import { logSubscriptions } from '../src/log-subscriptions.js';
import { type ResolveContext, resolveValue } from '../src/resolve.js';
import { stateMachineConfigs } from '../src/stepfunctions-machines.js';
import { streamMappings } from '../src/stream-mappings.js';
import { loadTemplate } from '../src/template.js';

const stacksDir = fileURLToPath(new URL('./fixtures/stacks/', import.meta.url));
const singleDir = fileURLToPath(new URL('./fixtures/assembly/', import.meta.url));
const env = { region: 'us-east-1', accountId: '000000000000' };
const loaded = loadTemplate(stacksDir);
const ctx: ResolveContext = { template: loaded.template, ...env, stackName: loaded.stackName, secrets: {} };
const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function';

/** The fixture's stacks with one template changed, to merge. */
function withChange(stackId: string, change: (s: StackArtifact) => StackArtifact): StackArtifact[] {
  return readStacks(stacksDir).map((s) => (s.id === stackId ? change(s) : s));
}

describe('a multi-stack assembly', () => {
  it('loads every stack of the manifest, each after the stacks it depends on', () => {
    assert.deepEqual(loaded.stacks, ['Payments-Foundation', 'Payments-Risk', 'Payments-Core']);
    assert.equal(loaded.stackNames['Payments-Core'], 'Payments-Core-dev');
    assert.equal(loaded.stackOf.Table, 'Payments-Foundation');
    assert.equal(loaded.stackOf.Queue, 'Payments-Risk');
  });

  it('keeps a logical id two stacks share apart, each reference resolving within its own stack', () => {
    // Both service stacks have a `Handler`, its `HandlerVersion` and `HandlerAlias`.
    assert.equal(loaded.template.Resources.Handler, undefined);
    assert.equal(loaded.stackOf['Payments-Core-Handler'], 'Payments-Core');
    assert.equal(loaded.stackOf['Payments-Risk-Handler'], 'Payments-Risk');
    const core = functionSpec(loaded, ctx, 'Payments-Core-Handler', { dynamoEndpoint: 'http://x' });
    const risk = functionSpec(loaded, ctx, 'Payments-Risk-Handler', { dynamoEndpoint: 'http://x' });
    assert.equal(core.functionName, 'Payments-Core-Handler');
    assert.match(core.file, /asset\.core\/index\.mjs$/);
    assert.match(risk.file, /asset\.risk\/index\.mjs$/);
    // AWS::StackName is the stack's own (its CloudFormation name, with the stage).
    assert.equal(core.environment.STACK, 'Payments-Core-dev');
    assert.equal(risk.environment.STACK, 'Payments-Risk-dev:Payments-Risk-Handler');
    // Parameters two stacks declare (`Stage`) are kept apart too.
    assert.deepEqual(Object.keys(loaded.template.Parameters ?? {}).sort(), [
      'Payments-Core-Stage',
      'Payments-Foundation-Stage',
    ]);
  });

  it('resolves SSM-typed parameters to the value the writing stack gives its AWS::SSM::Parameter', () => {
    const core = functionSpec(loaded, ctx, 'Payments-Core-Handler', { dynamoEndpoint: 'http://x' });
    const risk = functionSpec(loaded, ctx, 'Payments-Risk-Handler', { dynamoEndpoint: 'http://x' });
    assert.equal(core.environment.TABLE_NAME, 'Table');
    assert.equal(core.environment.BUS_NAME, 'Bus');
    assert.equal(risk.environment.TABLE_NAME, 'Table', 'through a substitution in Fn::Sub as well');
    assert.equal(resolveValue(ctx, { Ref: 'TableNameParameter' }), '/payments/dev/foundation/table-name');
    // CDK's BootstrapVersion parameter is read by nothing the runtime builds: no writer needed.
    assert.equal(loaded.template.Parameters?.BootstrapVersion, undefined);
  });

  it('gives aliases and versions their ARNs, and takes them for their function wherever a function is invoked', () => {
    const core = functionSpec(loaded, ctx, 'Payments-Core-Handler', { dynamoEndpoint: 'http://x' });
    assert.equal(core.environment.SELF, `${LAMBDA}:Payments-Core-Handler:live`);
    assert.equal(core.environment.VERSION, '1');
    assert.equal(
      resolveValue(ctx, { Ref: 'Payments-Risk-HandlerVersion' }),
      `${LAMBDA}:Payments-Risk-Handler:1`,
    );
    assert.equal(
      resolveValue(ctx, { 'Fn::GetAtt': ['Payments-Risk-HandlerAlias', 'AliasArn'] }),
      `${LAMBDA}:Payments-Risk-Handler:live`,
    );
    // Routes of two stacks on the foundation's API, through integrations on the aliases.
    const [api, ...others] = httpApiWiring(loaded.template);
    assert.equal(others.length, 0);
    assert.equal(api?.apiLogicalId, 'HttpApi');
    assert.deepEqual(
      api?.routes.map((r) => [r.routeKey, r.target.functionLogicalId]),
      [
        ['GET /v1/risk/{id}', 'Payments-Risk-Handler'],
        ['POST /v1/things', 'Payments-Core-Handler'],
        ['GET /v1/things/{id}', 'Payments-Core-Handler'],
      ],
    );
    // A queue mapping, a stream mapping on another stack's table, a log subscription on another
    // stack's log group, a state machine task: each by the alias.
    assert.deepEqual(
      sqsMappings(loaded.template).map((m) => [m.queueLogicalId, m.functionLogicalId]),
      [['Queue', 'Payments-Risk-Handler']],
    );
    const streamCtx = { ...ctx, attributes: { 'Table.StreamArn': 'arn:stream' } };
    assert.deepEqual(
      streamMappings(loaded.template, streamCtx).map((m) => [m.tableLogicalId, m.functionLogicalId]),
      [['Table', 'Payments-Core-Handler']],
    );
    const [subscription] = logSubscriptions(loaded.template);
    assert.deepEqual(subscription?.sourceFunctionIds, ['Payments-Core-Handler']);
    assert.equal(subscription?.destinationFunctionId, 'Payments-Risk-Handler');
    const [machine] = stateMachineConfigs(loaded.template, ctx);
    assert.deepEqual(machine?.functionLogicalIds, ['Payments-Risk-Handler']);
    // The rule of one stack on the bus of another; the queue it targets.
    assert.deepEqual(
      eventBuses(loaded.template, ctx).map((b) => b.name),
      ['default', 'Bus'],
    );
    assert.deepEqual(
      queueConfigs(loaded.template, ctx).map((q) => q.name),
      ['Queue'],
    );
  });

  it('fails naming the stack, the parameter and the name when no stack writes an SSM parameter', () => {
    const stacks = withChange('Payments-Foundation', (s) => {
      const { TableNameParameter: _, ...rest } = s.template.Resources;
      return { ...s, template: { ...s.template, Resources: rest } };
    });
    assert.throws(
      () => mergeStacks(stacks, env),
      /stack Payments-Risk: parameter SsmParameterValuepaymentsdevfoundationtablenameParameter reads SSM parameter \/payments\/dev\/foundation\/table-name, which no stack of the assembly writes/,
    );
  });

  it('refuses Fn::ImportValue and an SSM parameter two stacks write', () => {
    const imports = withChange('Payments-Risk', (s) => ({
      ...s,
      template: {
        ...s.template,
        Resources: {
          ...s.template.Resources,
          Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::ImportValue': 'QueueName' } } },
        },
      },
    }));
    assert.throws(
      () => mergeStacks(imports, env),
      /stack Payments-Risk: Fn::ImportValue "QueueName" is not supported/,
    );
    const twice = withChange('Payments-Core', (s) => ({
      ...s,
      template: {
        ...s.template,
        Resources: {
          ...s.template.Resources,
          Again: {
            Type: 'AWS::SSM::Parameter',
            Properties: { Name: '/payments/dev/foundation/bus-name', Value: 'x' },
          },
        },
      },
    }));
    assert.throws(
      () => mergeStacks(twice, env),
      /SSM parameter \/payments\/dev\/foundation\/bus-name is written by both Payments-Foundation \(BusNameParameter\) and Payments-Core \(Again\)/,
    );
  });

  it('loads one stack alone when named, and a single-stack assembly exactly as written', () => {
    const foundation = loadTemplate(stacksDir, 'Payments-Foundation');
    assert.deepEqual(foundation.stacks, ['Payments-Foundation']);
    assert.ok(foundation.template.Resources.CDKMetadata, 'alone, nothing is renamed');
    assert.throws(
      () => loadTemplate(stacksDir, 'Payments-Nope'),
      /stack Payments-Nope not found .*Payments-Core/,
    );
    const single = loadTemplate(singleDir);
    const raw = JSON.parse(readFileSync(`${singleDir}Payments.template.json`, 'utf8'));
    assert.deepEqual(single.template.Resources, raw.Resources);
    assert.equal(single.stackName, 'Payments');
  });
});
