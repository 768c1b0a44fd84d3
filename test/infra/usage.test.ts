/**
 * Usage metering in the template: one subscription filter with the usage pattern on the log group the
 * functions behind keyed routes share; those functions log at INFO (the usage line's level); the
 * aggregator's single invoke permission for CloudWatch Logs (from that group), its retries and dead-letter queue (alarmed),
 * and its grants limited to the usage keys. Bundling is skipped: the wiring is what matters here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { USAGE_FILTER_PATTERN } from '../../shared/usage/record.js';
import { invokedFunctionId, type Resource, referencedId, synthesize } from './synthesized.js';

const { resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const PUBLIC = [
  'GET /health',
  'POST /v1/channels/{channel}/callbacks',
  '$default',
  'GET /console',
  'GET /console/{proxy+}',
];

/** The function logical id behind each route key. */
function routeFunctions(): Map<string, string> {
  const byRoute = new Map<string, string>();
  for (const [, route] of ofType('AWS::ApiGatewayV2::Route')) {
    const target = route.Properties.Target as { 'Fn::Join': [string, unknown[]] };
    const integration = resources[referencedId(target['Fn::Join'][1][1]) ?? ''] as Resource;
    byRoute.set(
      route.Properties.RouteKey as string,
      invokedFunctionId(resources, integration.Properties.IntegrationUri) ?? '',
    );
  }
  return byRoute;
}

const aggregator = ofType('AWS::Lambda::Function').find(
  ([, r]) => r.Properties.Description === 'Applies batches of usage log lines to usage counters, once each',
);

describe('usage metering in the template', () => {
  it('subscribes the aggregator, once per stack, to the log group every keyed route’s function of that stack writes to', () => {
    // Prepare
    const routes = routeFunctions();
    const keyed = new Set([...routes].filter(([key]) => !PUBLIC.includes(key)).map(([, fn]) => fn));
    const logGroupOf = (fnId: string) =>
      referencedId((resources[fnId]?.Properties.LoggingConfig as any)?.LogGroup);
    // Act
    const filters = ofType('AWS::Logs::SubscriptionFilter').map(([, f]) => f.Properties);
    // Assess
    assert.ok(aggregator);
    // The route functions of a stack share one log group (infra/constructs/api.ts): one filter per stack,
    // on it (the API log group of a later stack has its service as prefix in the merged view).
    const groups = [...new Set([...keyed].map(logGroupOf))].sort();
    for (const group of groups) assert.match(String(group), /^[A-Za-z]*ApiFunctionLogs/);
    assert.equal(new Set(groups.map((g) => String(g).replace(/ApiFunctionLogs.*$/, ''))).size, groups.length);
    assert.ok(groups.length > 1, 'every service stack with keyed routes');
    assert.deepEqual(filters.map((f) => referencedId(f.LogGroupName)).sort(), groups);
    for (const f of filters) {
      assert.equal(f.FilterPattern, USAGE_FILTER_PATTERN);
      assert.equal(invokedFunctionId(resources, f.DestinationArn), aggregator[0]);
    }
    for (const [key, fnId] of routes) {
      const level = (resources[fnId]?.Properties.LoggingConfig as any)?.ApplicationLogLevel;
      assert.equal(level, PUBLIC.includes(key) ? 'WARN' : 'INFO', key);
    }
  });

  it('lets CloudWatch Logs invoke the aggregator from those log groups only, with one permission each', () => {
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) => invokedFunctionId(resources, p.Properties.FunctionName) === aggregator?.[0],
    );
    const filters = ofType('AWS::Logs::SubscriptionFilter');
    assert.equal(permissions.length, filters.length);
    for (const [, p] of permissions) assert.equal(p.Properties.Principal, 'logs.amazonaws.com');
    assert.deepEqual(
      permissions.map(([, p]) => p.Properties.SourceArn).sort(byJson),
      filters
        .map(([, f]) => ({ 'Fn::GetAtt': [referencedId(f.Properties.LogGroupName), 'Arn'] }))
        .sort(byJson),
    );
  });

  it('retries a failed batch twice, then keeps it 14 days in an alarmed dead-letter queue', () => {
    // Prepare
    const [id, fn] = aggregator ?? [];
    const dlqId = referencedId((fn?.Properties.DeadLetterConfig as any)?.TargetArn);
    // Assess
    const config = ofType('AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => referencedId(c.Properties.FunctionName) === id,
    );
    assert.equal(config?.[1].Properties.MaximumRetryAttempts, 2);
    assert.equal(config?.[1].Properties.MaximumEventAgeInSeconds, 21_600);
    assert.equal(resources[dlqId ?? '']?.Properties.MessageRetentionPeriod, 14 * 86_400);
    const alarmed = ofType('AWS::CloudWatch::Alarm').some(([, a]) =>
      ((a.Properties.Dimensions as any[]) ?? []).some(
        (d) => referencedId(d.Value) === dlqId || (d.Value as any)?.['Fn::GetAtt']?.[0] === dlqId,
      ),
    );
    assert.ok(alarmed, 'the dead-letter queue has an alarm');
  });

  it('replays a redriven dead letter through its own queue, read by the aggregator with partial failures', () => {
    // Prepare
    const [id] = aggregator ?? [];
    const replay = ofType('AWS::SQS::Queue').find(([qid]) => /^UsageUsageAggregatorQueue/.test(qid));
    const dlqId = referencedId((aggregator?.[1].Properties.DeadLetterConfig as any)?.TargetArn);
    // Assess
    assert.ok(replay);
    assert.deepEqual((replay[1].Properties.RedrivePolicy as any).deadLetterTargetArn, {
      'Fn::GetAtt': [dlqId, 'Arn'],
    });
    const mapping = ofType('AWS::Lambda::EventSourceMapping').find(
      ([, m]) => invokedFunctionId(resources, m.Properties.FunctionName) === id,
    );
    assert.deepEqual(mapping?.[1].Properties.EventSourceArn, { 'Fn::GetAtt': [replay[0], 'Arn'] });
    assert.deepEqual(mapping?.[1].Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
  });

  it('grants the aggregator only PutItem and UpdateItem on usage keys', () => {
    const roleId = referencedId(aggregator?.[1].Properties.Role);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).map(referencedId).includes(roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, any>[] }).Statement)
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    assert.deepEqual(
      statements.map((s) => [
        [s.Action].flat().sort(),
        s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'],
      ]),
      [
        [
          ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          ['USAGE#*', 'USAGEBATCH#*'],
        ],
      ],
    );
  });
});

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
