import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { deploymentConfigFor, p99ThresholdMs, serviceOf } from '../../infra/constructs/canary.js';
import { API_TIMEOUT, STREAM_TIMEOUT } from '../../infra/constructs/payments-function.js';
import { stageSettings } from '../../infra/stages.js';
import {
  invokedFunctionId,
  type Resource,
  referencedId,
  references,
  type StackTemplate,
  synthesize,
} from './synthesized.js';

/** The wiring is what is tested: bundles are skipped. Every stack, and their merged view. */
const synth = (context: Record<string, unknown> = {}) =>
  synthesize({ 'aws:cdk:bundling-stacks': [], ...context });
const { resources, templates } = synth();
const resourcesOf = (t: StackTemplate) => Object.values(t.template.Resources ?? {}) as Resource[];
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const functionIds = ofType('AWS::Lambda::Function').map(([id]) => id);
const aliases = new Map(ofType('AWS::Lambda::Alias'));
const groups = new Map(ofType('AWS::CodeDeploy::DeploymentGroup'));
/** The function an alias fronts, or undefined if `value` does not name an alias. */
/**
 * The function a policy's resource lets its holder invoke through the `live` alias: a reference to the alias,
 * or the alias's ARN built from the fixed name of a function another service exposes
 * (`…:function:payments-<stage>-<service>-<name>:live`, ServiceStack.useFunction), which must name a
 * function of the app that has its live alias.
 */
const aliasTarget = (value: unknown): string | undefined => {
  const parts = (value as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join']?.[1];
  const tail = Array.isArray(parts) ? parts.at(-1) : undefined;
  const exposed =
    typeof tail === 'string' ? /:function:(payments-[a-z0-9-]+):live$/.exec(tail)?.[1] : undefined;
  if (exposed === undefined) return invokedFunctionId(resources, value);
  const fnId = functionIds.find((id) => resources[id]?.Properties.FunctionName === exposed);
  return fnId && aliasOf(fnId) ? fnId : undefined;
};
const aliasOf = (functionId: string) =>
  [...aliases].find(([, a]) => referencedId(a.Properties.FunctionName) === functionId);

describe('every function is released through its live alias', () => {
  test('each function has exactly one alias, live, on a version of that function', () => {
    assert.ok(functionIds.length > 50, `${functionIds.length} functions`);
    for (const fnId of functionIds) {
      const own = [...aliases].filter(([, a]) => referencedId(a.Properties.FunctionName) === fnId);
      assert.equal(own.length, 1, `${fnId}: ${own.length} aliases`);
      const [, alias] = own[0] as [string, Resource];
      assert.equal(alias.Properties.Name, 'live');
      const version = resources[referencedId(alias.Properties.FunctionVersion) ?? ''];
      assert.equal(version?.Type, 'AWS::Lambda::Version', fnId);
      assert.equal(referencedId(version?.Properties.FunctionName), fnId);
    }
    assert.equal(aliases.size, functionIds.length);
  });

  test('each alias is moved by a deployment group of its own', () => {
    const groupOfAlias = new Map<string, string>();
    for (const [aliasId, alias] of aliases) {
      const update = (alias.UpdatePolicy as any)?.CodeDeployLambdaAliasUpdate;
      assert.ok(update, `${aliasId}: no CodeDeployLambdaAliasUpdate`);
      const groupId = referencedId(update.DeploymentGroupName) ?? '';
      assert.ok(groups.has(groupId), `${aliasId}: ${groupId} is no deployment group`);
      assert.ok(![...groupOfAlias.values()].includes(groupId), `${groupId} moves two aliases`);
      groupOfAlias.set(aliasId, groupId);
    }
    assert.equal(groups.size, functionIds.length);
  });

  test('the groups of a stack share one application and one service role, a stack with functions one each', () => {
    let stacksWithFunctions = 0;
    for (const t of templates) {
      const own = Object.entries(t.template.Resources ?? {}) as [string, Resource][];
      const ofTypeHere = (type: string) => own.filter(([, r]) => r.Type === type);
      const applications = ofTypeHere('AWS::CodeDeploy::Application');
      const stackGroups = ofTypeHere('AWS::CodeDeploy::DeploymentGroup').map(([, g]) => g);
      assert.equal(stackGroups.length, ofTypeHere('AWS::Lambda::Function').length, t.id);
      if (stackGroups.length === 0) {
        assert.equal(applications.length, 0, t.id);
        continue;
      }
      stacksWithFunctions++;
      assert.equal(applications.length, 1, t.id);
      assert.equal(applications[0]?.[1].Properties.ComputePlatform, 'Lambda');
      assert.equal(applications[0]?.[1].Properties.ApplicationName, t.stackName);
      const roles = new Set(stackGroups.map((g) => referencedId(g.Properties.ServiceRoleArn)));
      assert.equal(roles.size, 1, t.id);
      const role = own.find(([id]) => id === [...roles][0])?.[1];
      assert.match(JSON.stringify(role?.Properties.ManagedPolicyArns), /AWSCodeDeployRoleForLambdaLimited/);
      for (const group of stackGroups)
        assert.equal(referencedId(group.Properties.ApplicationName), applications[0]?.[0], t.id);
    }
    assert.ok(stacksWithFunctions >= 7, `${stacksWithFunctions} stacks with functions`);
  });
});

describe('every invoker targets an alias, never the bare function', () => {
  /** [resource type, property naming the invoked function] */
  const invokers: [string, string][] = [
    ['AWS::Lambda::EventSourceMapping', 'FunctionName'],
    ['AWS::Lambda::Permission', 'FunctionName'],
    ['AWS::ApiGatewayV2::Integration', 'IntegrationUri'],
    ['AWS::Logs::SubscriptionFilter', 'DestinationArn'],
  ];
  for (const [type, property] of invokers) {
    test(`${type} ${property}`, () => {
      const found = ofType(type);
      assert.ok(found.length > 0, `no ${type}`);
      for (const [id, r] of found) {
        const target = r.Properties[property];
        // The alias's ARN, or (mappings) the function's name read from it with the `:live` qualifier.
        const refs = references(target);
        assert.ok(refs.length > 0, `${id}: ${JSON.stringify(target)}`);
        for (const ref of refs)
          assert.equal(resources[ref]?.Type, 'AWS::Lambda::Alias', `${id} invokes ${ref}`);
        if (type === 'AWS::Lambda::EventSourceMapping') assert.match(JSON.stringify(target), /":live"/);
      }
    });
  }

  test('asynchronous retries are configured on the alias the subscription invokes', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig');
    assert.ok(configs.length > 0);
    // The qualifier is read from the alias's ARN (its last part, `live`).
    for (const [id, config] of configs) {
      const [aliasId] = references(config.Properties.Qualifier);
      assert.ok(aliases.has(aliasId ?? ''), `${id}: ${JSON.stringify(config.Properties.Qualifier)}`);
      assert.equal(aliasTarget({ Ref: aliasId }), referencedId(config.Properties.FunctionName));
    }
  });

  test('settlement tasks invoke aliases, and the state machine may invoke the aliases alone', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    assert.ok(machines.length > 0);
    for (const [, machine] of machines) {
      const refs = references(machine.Properties.DefinitionString);
      assert.ok(refs.some((ref) => aliases.has(ref)));
      for (const ref of refs) assert.notEqual(resources[ref]?.Type, 'AWS::Lambda::Function', ref);
    }
    // No policy lets anything invoke a bare function, or a function with any qualifier.
    let invokeStatements = 0;
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      for (const s of (policy.Properties.PolicyDocument as { Statement: any[] }).Statement) {
        if (![s.Action].flat().includes('lambda:InvokeFunction')) continue;
        invokeStatements++;
        for (const target of [s.Resource].flat()) {
          if (typeof target === 'string' && target.includes(':function:CodeDeployHook_')) continue;
          assert.ok(aliasTarget(target), `${id}: ${JSON.stringify(target)}`);
        }
      }
    }
    assert.ok(invokeStatements > 0);
  });
});

describe('rollback', () => {
  const alarm = (id: string) => resources[id] as Resource;
  const alarmIdsOf = (group: Resource) =>
    ((group.Properties.AlarmConfiguration as any).Alarms as { Name: unknown }[]).map(
      (a) => referencedId(a.Name) ?? '',
    );

  test("each group rolls back on failure, stop and alarm, on its alias's errors and p99 duration", () => {
    for (const [aliasId, alias] of aliases) {
      const groupId = referencedId(
        (alias.UpdatePolicy as any).CodeDeployLambdaAliasUpdate.DeploymentGroupName,
      );
      const group = groups.get(groupId ?? '') as Resource;
      assert.deepEqual(group.Properties.AutoRollbackConfiguration, {
        Enabled: true,
        Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
      });
      assert.equal((group.Properties.AlarmConfiguration as any).Enabled, true);
      const metrics = alarmIdsOf(group).map((id) => {
        const a = alarm(id);
        const dimensions = a.Properties.Dimensions as { Name: string; Value: unknown }[] | undefined;
        return { a, resource: dimensions?.find((d) => d.Name === 'Resource')?.Value };
      });
      const onAlias = (name: string) =>
        metrics.filter(({ a, resource }) => a.Properties.MetricName === name && resource !== undefined);
      const [errors] = onAlias('Errors');
      const [duration] = onAlias('Duration');
      assert.ok(errors && duration, `${groupId}: ${JSON.stringify(metrics.map((m) => m.a.Properties))}`);
      // Resource = <function name>:live, the alias's own metrics.
      const fnId = referencedId(alias.Properties.FunctionName);
      for (const m of [errors, duration])
        assert.deepEqual(m.resource, { 'Fn::Join': ['', [{ Ref: fnId }, ':live']] }, aliasId);
      assert.equal(errors.a.Properties.Threshold, 0);
      assert.equal(duration.a.Properties.ExtendedStatistic, 'p99');
    }
  });

  test('API functions roll back above a 3 s p99, event consumers near their own timeout', () => {
    assert.equal(p99ThresholdMs('api', API_TIMEOUT), 3_000);
    assert.equal(p99ThresholdMs('event', STREAM_TIMEOUT), 24_000);
    const thresholdOf = (handlerId: RegExp) => {
      const [fnId] = functionIds.filter((id) => handlerId.test(id));
      const [, alias] = aliasOf(fnId ?? '') as [string, Resource];
      const group = groups.get(
        referencedId((alias.UpdatePolicy as any).CodeDeployLambdaAliasUpdate.DeploymentGroupName) ?? '',
      ) as Resource;
      return alarmIdsOf(group)
        .map(alarm)
        .find((a) => a.Properties.MetricName === 'Duration')?.Properties.Threshold;
    };
    assert.equal(thresholdOf(/^ApiGetPaymentFunction/), 3_000);
    assert.equal(thresholdOf(/^ChannelsDispatchFunction/), 24_000);
  });

  test("create-payment's group also rolls back below a 99 % create success rate", () => {
    const [fnId] = functionIds.filter((id) => id.startsWith('ApiCreatePaymentFunction'));
    const [, alias] = aliasOf(fnId ?? '') as [string, Resource];
    const groupId = referencedId((alias.UpdatePolicy as any).CodeDeployLambdaAliasUpdate.DeploymentGroupName);
    const rates = alarmIdsOf(groups.get(groupId ?? '') as Resource)
      .map(alarm)
      .filter((a) => a.Properties.Metrics);
    assert.equal(rates.length, 1);
    const rate = rates[0] as Resource;
    assert.equal(rate.Properties.Threshold, 0.99);
    assert.equal(rate.Properties.ComparisonOperator, 'LessThanThreshold');
    const json = JSON.stringify(rate.Properties.Metrics);
    assert.match(json, /IF\(requests >= 20, 1 - FILL\(errors, 0\) \/ requests, 1\)/);
    assert.match(json, /"Value":"POST \/v1\/payments"/);
    assert.match(json, /"MetricName":"5xx"/);
    assert.match(json, /"MetricName":"Count"/);
    // No other group carries it: a failing create rolls back create-payment alone.
    const carriers = [...groups.values()].filter((g) =>
      alarmIdsOf(g).some((id) => alarm(id).Properties.Metrics),
    );
    assert.equal(carriers.length, 1);
  });
});

describe('deployment config per stage and service', () => {
  const configs = (r: Record<string, Resource>) =>
    new Set(
      Object.values(r)
        .filter((x) => x.Type === 'AWS::CodeDeploy::DeploymentGroup')
        .map((g) => g.Properties.DeploymentConfigName),
    );

  test('dev (the default) deploys all at once', () => {
    assert.deepEqual(configs(resources), new Set(['CodeDeployDefault.LambdaAllAtOnce']));
  });

  test('prod shifts core payments, channels and the gateway by a 10 % canary for 5 minutes, the others linearly', () => {
    const prod = synth({ stage: 'prod' }).templates;
    const byStack = Object.fromEntries(
      prod.map((t) => [t.id, configs(Object.fromEntries(resourcesOf(t).map((r, i) => [String(i), r])))]),
    );
    const canary = new Set(['CodeDeployDefault.LambdaCanary10Percent5Minutes']);
    const linear = new Set(['CodeDeployDefault.LambdaLinear10PercentEvery1Minute']);
    for (const id of ['Payments-Core', 'Payments-Channels', 'Payments-Gateway'])
      assert.deepEqual(byStack[id], canary, id);
    for (const id of ['Payments-Risk', 'Payments-Webhooks', 'Payments-Reconciliation', 'Payments-Settlement'])
      assert.deepEqual(byStack[id], linear, id);
  });

  test('prod: a canary on the payment path, linear elsewhere; staging: linear everywhere', () => {
    const name = (stage: 'dev' | 'staging' | 'prod', service: string) =>
      deploymentConfigFor(stageSettings(stage), service).deploymentConfigName;
    for (const service of ['Core', 'Channels', 'Gateway']) {
      assert.equal(name('prod', service), 'CodeDeployDefault.LambdaCanary10Percent5Minutes');
      assert.equal(name('staging', service), 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
      assert.equal(name('dev', service), 'CodeDeployDefault.LambdaAllAtOnce');
    }
    for (const service of ['Risk', 'Reconciliation', 'Settlement', 'Webhooks', 'Console']) {
      assert.equal(name('prod', service), 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
      assert.equal(name('staging', service), 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
      assert.equal(name('dev', service), 'CodeDeployDefault.LambdaAllAtOnce');
    }
  });

  test('a service is its stack: Payments-Risk is Risk', () => {
    assert.equal(serviceOf(new Stack(new App(), 'Payments-Risk')), 'Risk');
  });
});
