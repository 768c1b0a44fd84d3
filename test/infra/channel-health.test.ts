/**
 * Channel health in the template: the alarms on breaker openings and on the breaker store failing open.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PaymentsStack } from '../../infra/payments-stack.js';
import type { Resource } from './synthesized.js';

// Wiring only: bundles are skipped (payments-stack.test.ts bundles every function).
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PaymentsStack(app, 'Payments');
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
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
