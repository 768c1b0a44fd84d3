/**
 * Channel health in the template: the alarms on breaker openings and on the breaker store failing open.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { synthesize } from './synthesized.js';

// Wiring only: bundles are skipped (payments-stack.test.ts bundles every function). The merged view of
// every stack (synthesized.ts).
const { stacks, resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });
const alarmOn = (metricName: string) =>
  Object.values(resources).find(
    (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === metricName,
  );

describe('channel health alarms', () => {
  for (const metric of ['ChannelBreakerOpened', 'ChannelBreakerStoreErrors']) {
    it(`alarms on the first ${metric} of any channel, and tells the alarm topic`, () => {
      const alarm = alarmOn(metric);
      assert.ok(alarm, `an alarm on ${metric}`);
      const p = alarm.Properties;
      assert.equal(p.Namespace, 'Payments');
      assert.equal(
        p.Dimensions,
        undefined,
        'over every channel: the metric is also emitted without a dimension',
      );
      assert.equal(p.Statistic, 'Sum');
      assert.equal(p.Threshold, 0);
      assert.equal(p.ComparisonOperator, 'GreaterThanThreshold');
      assert.equal(p.TreatMissingData, 'notBreaching');
      assert.equal((p.AlarmActions as unknown[]).length, 1);
    });
  }
});

describe('channel health consumer', () => {
  const fnId = stacks.channels.getLogicalId(
    stacks.channels.channelHealth.consumerFunction.node.defaultChild as never,
  );

  it('receives PaymentSucceeded and PaymentFailed in batches of up to 100', () => {
    const rule = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        JSON.stringify(r.Properties.Targets ?? '').includes('ChannelHealthQueue'),
    );
    assert.ok(rule, 'a rule sends to the queue');
    assert.deepEqual((rule.Properties.EventPattern as { 'detail-type': string[] })['detail-type'], [
      'PaymentSucceeded',
      'PaymentFailed',
    ]);
    const mapping = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(r.Properties.FunctionName).includes(fnId),
    );
    assert.equal(mapping?.Properties.BatchSize, 100);
    assert.equal(mapping?.Properties.MaximumBatchingWindowInSeconds, 5);
  });

  it('may only update outcome counts', () => {
    const fn = resources[fnId];
    assert.ok(fn);
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role))
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    assert.deepEqual(
      statements.map((s) => [s.Action, s.Condition]),
      [['dynamodb:UpdateItem', { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HLT#*'] } }]],
    );
  });
});
