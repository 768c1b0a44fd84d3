/**
 * Flow control in the template: the alarm on its store failing open, and who may lease tokens from the
 * merchants' buckets (the gateway's `FLOW#` items): the gateway's functions only, its `flow-lease`
 * function for the merchant routes of every other service, which may invoke its `live` alias and write
 * no bucket themselves; ops routes lease nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { PaymentsFunction } from '../../infra/constructs/payments-function.js';
import { serviceOf } from '../../infra/services/function-services.js';
import { ServiceStack } from '../../infra/stacks/service-stack.js';
import {
  exposedAliasArn,
  invokedFunctionId,
  type Resource,
  referencedId,
  synthesize,
} from './synthesized.js';

// Wiring only: bundles are skipped (payments-stack.test.ts bundles every function). The merged view of
// every stack (synthesized.ts).
const { resources, stacks } = synthesize({ 'aws:cdk:bundling-stacks': [] });

/** Every payments function of the app by its logical id in the merged view, with its handler entry. */
const entries = new Map<string, string>();
for (const stack of Object.values(stacks) as Stack[])
  for (const fn of stack.node.findAll())
    if (fn instanceof PaymentsFunction && Stack.of(fn) === stack)
      entries.set(stack.getLogicalId(fn.node.defaultChild as never), fn.entry);

/** The route keys each function serves. */
function routesByFunction(): Map<string, string[]> {
  const byFunction = new Map<string, string[]>();
  for (const route of Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')) {
    const target = route.Properties.Target as { 'Fn::Join': [string, unknown[]] };
    const integration = resources[referencedId(target['Fn::Join'][1][1]) ?? ''] as Resource;
    const fnId = invokedFunctionId(resources, integration.Properties.IntegrationUri) ?? '';
    byFunction.set(fnId, [...(byFunction.get(fnId) ?? []), route.Properties.RouteKey as string]);
  }
  return byFunction;
}

/** Functions behind a keyed route (the API key is checked in the function). */
const keyed = new Set(
  (Object.values(stacks) as Stack[]).flatMap((stack) =>
    stack instanceof ServiceStack ? [...stack.api.registry.keyedFunctions] : [],
  ),
);
/** Logical ids of those serving a route that is not an ops route: merchant keys reach them, counted. */
const merchantRouteFunctions = [...routesByFunction()]
  .filter(([id, routes]) => {
    const fn = [...keyed].find((f) => Stack.of(f).getLogicalId(f.node.defaultChild as never) === id);
    return fn && routes.some((r) => !r.split(' ')[1]?.startsWith('/v1/ops/'));
  })
  .map(([id]) => id);

/** The policy statements of the role of the function whose logical id starts with `prefix`. */
function statementsOf(prefix: string): Record<string, any>[] {
  const [fnId, fn] = Object.entries(resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
  ) ?? [undefined, undefined];
  assert.ok(fnId && fn, `function ${prefix}`);
  return roleStatements(fn);
}

function roleStatements(fn: Resource): Record<string, any>[] {
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        (r.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Record<string, any>[] }).Statement);
}

/**
 * Statements that let a function lease tokens: a write on FLOW# items. (A gateway function's reads may
 * name FLOW#, the gateway's own prefix, among the keys it may read: that leases nothing.)
 */
const leaseGrants = (statements: Record<string, any>[]) =>
  statements.filter(
    (s) =>
      JSON.stringify(s.Condition ?? {}).includes('FLOW#') &&
      [s.Action].flat().some((a: string) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:PutItem'),
  );

const FLOW_LEASE = exposedAliasArn('gateway', 'flow-lease');
/** Statements that let a function invoke the gateway's flow-lease function. */
const flowLeaseInvokes = (statements: Record<string, any>[]) =>
  statements.filter(
    (s) =>
      [s.Action].flat().includes('lambda:InvokeFunction') &&
      JSON.stringify(s.Resource).includes('gateway-flow-lease'),
  );

describe('flow control in the template', () => {
  it('alarms on the first FlowStoreErrors, and tells the alarm topic', () => {
    const alarm = Object.values(resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'FlowStoreErrors',
    );
    assert.ok(alarm);
    assert.equal(alarm.Properties.Namespace, 'Payments');
    assert.equal(alarm.Properties.Threshold, 0);
    assert.equal(alarm.Properties.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal((alarm.Properties.AlarmActions as unknown[]).length, 1);
  });

  it("lets only the gateway's functions write FLOW# items, its flow-lease function with UpdateItem only", () => {
    // Prepare
    const writers = [...entries].filter(
      ([id]) => leaseGrants(roleStatements(resources[id] as Resource)).length,
    );
    // Assess
    assert.ok(writers.length > 1, 'flow-lease and the gateway’s merchant routes');
    for (const [id, entry] of writers) assert.equal(serviceOf(entry), 'gateway', `${entry} (${id})`);
    const [leaseId] = [...entries].find(([, entry]) => entry === 'internal/flow-lease') ?? [];
    assert.ok(leaseId, 'the flow-lease function');
    const lease = resources[leaseId] as Resource;
    assert.equal(lease.Properties.FunctionName, 'payments-dev-gateway-flow-lease');
    const grants = roleStatements(lease).filter((s) =>
      [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')),
    );
    assert.deepEqual(
      grants.map((s) => [s.Action, s.Condition]),
      [['dynamodb:UpdateItem', { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['FLOW#*'] } }]],
    );
  });

  it("lets every merchant route outside the gateway invoke the gateway's flow-lease alias, and write no bucket", () => {
    let others = 0;
    for (const id of merchantRouteFunctions) {
      const fn = resources[id] as Resource;
      const entry = entries.get(id) ?? '';
      const statements = roleStatements(fn);
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      if (serviceOf(entry) === 'gateway') {
        // The gateway's own routes lease from its own items directly.
        assert.equal(leaseGrants(statements).length, 1, entry);
        assert.equal(env.FLOW_LEASE_FUNCTION_ARN, undefined, entry);
        continue;
      }
      others += 1;
      assert.equal(leaseGrants(statements).length, 0, entry);
      assert.deepEqual(env.FLOW_LEASE_FUNCTION_ARN, FLOW_LEASE, entry);
      assert.deepEqual(
        flowLeaseInvokes(statements).map((s) => [s.Action, s.Resource]),
        [['lambda:InvokeFunction', FLOW_LEASE]],
        entry,
      );
    }
    for (const entry of [
      'api/create-payment',
      'api/get-payment',
      'api/list-refunds',
      'api/create-fraud-report',
      'api/list-settlements',
      'api/create-webhook-endpoint',
    ])
      assert.ok(
        merchantRouteFunctions.some((id) => entries.get(id) === entry),
        `${entry} is a merchant route`,
      );
    assert.ok(others >= 10, `${others} merchant route functions outside the gateway`);
  });

  it('lets nothing but merchant routes invoke flow-lease', () => {
    for (const [id, entry] of entries)
      if (!merchantRouteFunctions.includes(id))
        assert.equal(flowLeaseInvokes(roleStatements(resources[id] as Resource)).length, 0, entry);
  });

  it('gives ops routes no lease grant, and the limits PUT only the merchant records', () => {
    assert.equal(leaseGrants(statementsOf('ApiGetMerchantLimitsFunction')).length, 0);
    assert.equal(flowLeaseInvokes(statementsOf('ApiOpsPaymentsFunction')).length, 0);
    const put = statementsOf('ApiPutMerchantLimitsFunction').find((s) => s.Action === 'dynamodb:PutItem');
    assert.deepEqual(put?.Condition, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MER#*'] } });
  });
});
