/**
 * Flow control in the template: the alarm on its store failing open, and the lease grant of merchant
 * routes, scoped to the bucket items (and absent from ops routes).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { synthesize } from './synthesized.js';

// Wiring only: bundles are skipped (payments-stack.test.ts bundles every function). The merged view of
// every stack (synthesized.ts).
const { resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

/** The policy statements of the role of the function whose logical id starts with `prefix`. */
function statementsOf(prefix: string): Record<string, any>[] {
  const [fnId, fn] = Object.entries(resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
  ) ?? [undefined, undefined];
  assert.ok(fnId && fn, `function ${prefix}`);
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

  it('lets merchant routes lease tokens with UpdateItem on FLOW# items only', () => {
    for (const prefix of ['ApiCreatePaymentFunction', 'ApiGetPaymentFunction', 'ApiListRefundsFunction']) {
      const grants = leaseGrants(statementsOf(prefix));
      assert.equal(grants.length, 1, prefix);
      assert.equal(grants[0]?.Action, 'dynamodb:UpdateItem');
      assert.deepEqual(grants[0]?.Condition, {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['FLOW#*'] },
      });
    }
  });

  it('gives ops routes no lease grant, and the limits PUT only the merchant records', () => {
    assert.equal(leaseGrants(statementsOf('ApiGetMerchantLimitsFunction')).length, 0);
    const put = statementsOf('ApiPutMerchantLimitsFunction').find((s) => s.Action === 'dynamodb:PutItem');
    assert.deepEqual(put?.Condition, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MER#*'] } });
  });
});
