/**
 * The ops console's routes and the dashboard and SLO alarms in the template: the console's read routes
 * share their family's function (and its integration), each granted only the key prefixes it reads; the
 * stage publishes per-route metrics; POST /v1/payments has multi-window burn-rate alarms with the SRE
 * workbook's windows and factors; the dashboard has every row issue 13 asks for. Bundling is skipped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dynamoStatements, type Resource, referencedId, synthesize } from './synthesized.js';

const { resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function functionDescribed(description: string): Resource {
  const found = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.Description === description);
  assert.ok(found, `no function described ${description}`);
  return found[1];
}

function integrationOf(routeKey: string): string | undefined {
  const route = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey)?.[1];
  assert.ok(route, `no route ${routeKey}`);
  const target = route.Properties.Target as { 'Fn::Join': [string, unknown[]] };
  return referencedId(target['Fn::Join'][1][1]);
}

/** The template value with every `Fn::Join` of strings and references flattened (`{Ref:X}` → `${X}`). */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (v['Fn::Join']) return v['Fn::Join'][1].map(flat).join(v['Fn::Join'][0]);
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'][0]}}`;
  return JSON.stringify(value);
}

describe('ops console routes', () => {
  const SHARED: [route: string, servedWith: string, grants: string[]][] = [
    [
      'GET /v1/ops/reconciliation/runs',
      'GET /v1/ops/reconciliation/runs/{id}',
      ['dynamodb:BatchGetItem [OBJ#*]', 'dynamodb:Query [RUNS#reconciliation]'],
    ],
    [
      'GET /v1/ops/settlements/runs',
      'GET /v1/ops/settlements/runs/{id}',
      ['dynamodb:BatchGetItem [OBJ#*]', 'dynamodb:Query [RUNS#settlement]'],
    ],
  ];
  for (const [route, servedWith, grants] of SHARED) {
    it(`serves ${route} with the function and integration of ${servedWith}, granted ${grants.join(', ')}`, () => {
      assert.equal(integrationOf(route), integrationOf(servedWith));
      const statements = dynamoStatements(resources, functionDescribed(servedWith));
      for (const grant of grants)
        assert.ok(statements.includes(grant), `${grant} in ${statements.join('; ')}`);
    });
  }

  it('serves GET /v1/ops/payments/{id}/events with the review function, which asks core’s payment-events and reads no payment', () => {
    assert.equal(
      integrationOf('GET /v1/ops/payments/{id}/events'),
      integrationOf('POST /v1/ops/payments/{id}/review'),
    );
    const fn = functionDescribed('POST /v1/ops/payments/{id}/review');
    // The key lookup of an ops route (with risk's own keys) and the review hold: nothing of core's OBJ#.
    const statements = dynamoStatements(resources, fn);
    assert.ok(statements.includes('dynamodb:UpdateItem [HOLD#*]'), statements.join('; '));
    assert.deepEqual(
      statements.filter((s) => s.includes('OBJ#')),
      [],
    );
    const environment = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.ok(environment.PAYMENT_EVENTS_FUNCTION_ARN, 'PAYMENT_EVENTS_FUNCTION_ARN is not set');
  });

  it('serves GET /v1/ops/overview with the dead-letter function, which asks the owners and reads no one else’s items', () => {
    assert.equal(integrationOf('GET /v1/ops/overview'), integrationOf('GET /v1/ops/dead-letter-queues'));
    const fn = functionDescribed('GET /v1/ops/dead-letter-queues');
    // The key lookup of an ops route is all it reads of the table.
    assert.deepEqual(dynamoStatements(resources, fn), ['dynamodb:GetItem [KEY#*,MER#*]']);
    const environment = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    for (const variable of [
      'CHANNEL_HEALTH_SUMMARY_FUNCTION_ARN',
      'MERCHANT_REGISTRY_FUNCTION_ARN',
      'HOLD_COUNTS_FUNCTION_ARN',
      'OPEN_DISCREPANCIES_FUNCTION_ARN',
    ])
      assert.ok(environment[variable], `${variable} is not set`);
  });

  it('makes one integration per function, never one per route', () => {
    const integrations = ofType('AWS::ApiGatewayV2::Integration').map(([, r]) =>
      flat(r.Properties.IntegrationUri),
    );
    assert.equal(new Set(integrations).size, integrations.length);
  });
});

describe('dashboards and SLO alarms', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm');
  const windowAlarm = (name: string) => {
    const found = alarms.find(([id]) => id.startsWith(`MonitoringSlo${name}`));
    assert.ok(found, `no alarm ${name}`);
    return found[1].Properties;
  };
  const stats = (alarm: Record<string, unknown>) =>
    (alarm.Metrics as { Id: string; Expression?: string; MetricStat?: Record<string, any> }[]).filter(
      (m) => m.MetricStat,
    );

  it('publishes per-route metrics from the stage (ApiId, Stage, Route)', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    assert.ok(stage);
    const settings = stage.Properties.DefaultRouteSettings as { DetailedMetricsEnabled: boolean };
    assert.equal(settings.DetailedMetricsEnabled, true);
  });

  // SRE workbook, "Alerting on SLOs", table 5-8: 14.4× over 1 h and 5 min; 6× over 6 h and 30 min.
  const WINDOWS = [
    ['FastBurnLong', 3600, 14.4],
    ['FastBurnShort', 300, 14.4],
    ['SlowBurnLong', 21600, 6],
    ['SlowBurnShort', 1800, 6],
  ] as const;

  for (const [window, period, burn] of WINDOWS) {
    it(`alarms when POST /v1/payments burns its 99.95% availability budget ${burn}× over ${period} s`, () => {
      const alarm = windowAlarm(`Availability${window}`);
      assert.equal(alarm.Threshold, Number((burn * 0.0005).toPrecision(6)));
      assert.equal(alarm.ComparisonOperator, 'GreaterThanThreshold');
      assert.equal(alarm.EvaluationPeriods, 1);
      assert.equal(alarm.TreatMissingData, 'notBreaching');
      assert.equal(alarm.AlarmActions, undefined);
      const expression = (alarm.Metrics as { Expression?: string }[]).find((m) => m.Expression)?.Expression;
      assert.equal(expression, 'IF(requests > 0, errors / requests, 0)');
      const byId = Object.fromEntries(stats(alarm).map((m) => [m.Id, m.MetricStat]));
      assert.equal(byId.errors?.Metric.MetricName, '5xx');
      assert.equal(byId.requests?.Metric.MetricName, 'Count');
      for (const stat of Object.values(byId)) {
        assert.equal(stat?.Period, period);
        assert.equal(stat?.Stat, 'Sum');
        assert.equal(stat?.Metric.Namespace, 'AWS/ApiGateway');
        const dims = Object.fromEntries(stat?.Metric.Dimensions.map((d: any) => [d.Name, d.Value]));
        assert.equal(dims.Route, 'POST /v1/payments');
        assert.equal(dims.Stage, '$default');
        assert.ok(dims.ApiId.Ref);
      }
    });

    it(`alarms when more than 1% of POST /v1/payments take over 500 ms at ${burn}× over ${period} s`, () => {
      const alarm = windowAlarm(`Latency${window}`);
      assert.equal(alarm.Threshold, Number((burn * 0.01).toPrecision(6)));
      const [fast] = stats(alarm);
      assert.equal(fast?.MetricStat?.Metric.MetricName, 'Latency');
      assert.equal(fast?.MetricStat?.Stat, 'PR(:500)');
      assert.equal(fast?.MetricStat?.Period, period);
      const expression = (alarm.Metrics as { Expression?: string }[]).find((m) => m.Expression)?.Expression;
      assert.equal(expression, `(100 - ${fast?.Id}) / 100`);
    });
  }

  it('pages through one composite alarm per objective: (1 h AND 5 min) OR (6 h AND 30 min)', () => {
    const composites = ofType('AWS::CloudWatch::CompositeAlarm');
    assert.equal(composites.length, 2);
    const topic = ofType('AWS::SNS::Topic')[0]?.[0];
    for (const name of ['Availability', 'Latency']) {
      const composite = composites.find(([id]) => id.startsWith(`MonitoringSlo${name}SloAlarm`))?.[1];
      assert.ok(composite, name);
      assert.deepEqual(composite.Properties.AlarmActions, [{ Ref: topic }]);
      assert.deepEqual(composite.Properties.OKActions, [{ Ref: topic }]);
      const id = (w: string) =>
        alarms.find(([alarmId]) => alarmId.startsWith(`MonitoringSlo${name}${w}`))?.[0];
      assert.equal(
        flat(composite.Properties.AlarmRule),
        `((ALARM("\${${id('FastBurnLong')}}") AND ALARM("\${${id('FastBurnShort')}}")) OR ` +
          `(ALARM("\${${id('SlowBurnLong')}}") AND ALARM("\${${id('SlowBurnShort')}}")))`,
      );
    }
  });

  it('has one dashboard with every row of the ops view', () => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard');
    assert.equal(dashboards.length, 1);
    const body = JSON.parse(flat(dashboards[0]?.[1].Properties.DashboardBody));
    const widgets = body.widgets as { properties: { title: string; metrics: unknown[] } }[];
    const titled = (prefix: string) => {
      const found = widgets.find((w) => w.properties.title.startsWith(prefix));
      assert.ok(found, `no widget "${prefix}…"`);
      return JSON.stringify(found.properties.metrics);
    };
    for (const metric of ['Latency', '5xx', '4xx'])
      assert.match(
        titled(`API ${metric === 'Latency' ? 'latency p99' : metric} by route`),
        /SEARCH\('\{AWS\/ApiGateway,ApiId,Stage,Route\}/,
      );
    assert.match(titled('SLO POST /v1/payments: 5xx ratio'), /errors \/ requests/);
    assert.match(titled('SLO POST /v1/payments: share slower'), /PR\(:500\)/);
    for (const channel of ['sandbox', 'stripe', 'alipay', 'wechatpay']) {
      assert.ok(
        titled('Authorization rate by channel').includes(`s_${channel} / (s_${channel} + f_${channel})`),
      );
      assert.ok(titled('Unavailability by channel').includes(`ChannelUnavailable","channel","${channel}"`));
      assert.ok(titled('Channel breakers').includes(`ChannelBreakerOpened","channel","${channel}"`));
    }
    assert.match(titled('Queue age of the oldest message'), /ApproximateAgeOfOldestMessage/);
    const dlqs = ofType('AWS::SQS::Queue').filter(([id]) => id.includes('DeadLetterQueue'));
    const depths = titled('Dead-letter queue depths');
    for (const [id] of dlqs) assert.ok(depths.includes(`\${${id}}`) || depths.includes(id), id);
    for (const finding of ['LocalMissing', 'ChannelMissing', 'Mismatched', 'Duplicates', 'Repaired'])
      assert.ok(titled('Reconciliation findings').includes(`Reconciliation${finding}`), finding);
    const settlement = titled('Settlement runs');
    for (const metric of [
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'PayoutSucceeded',
      'PayoutFailed',
      'Settlements',
    ])
      assert.ok(settlement.includes(`"${metric}"`), metric);
  });
});
