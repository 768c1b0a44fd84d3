import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';

/** The route whose service level is promised (contract: creating a payment). */
export const SLO_ROUTE = 'POST /v1/payments';
/** Availability objective: the share of requests not answered 5xx, over 30 days. */
export const AVAILABILITY_OBJECTIVE = 0.9995;
/** Latency objective: this share of requests answered within LATENCY_THRESHOLD_MS (the p99), over 30 days. */
export const LATENCY_OBJECTIVE = 0.99;
export const LATENCY_THRESHOLD_MS = 500;

/**
 * Multi-window, multi-burn-rate alerts for a 30-day objective (Google, The Site Reliability Workbook,
 * chapter 5 "Alerting on SLOs", table 5-8): page when the error budget burns 14.4 times too fast over
 * the last hour AND the last 5 minutes (2% of a 30-day budget in one hour), or 6 times too fast over 6
 * hours AND 30 minutes (5% in six hours). The long window makes the alert significant, the short one
 * makes it reset soon after the burn stops.
 */
export const BURN_WINDOWS = [
  { name: 'Fast', burnRate: 14.4, long: Duration.hours(1), short: Duration.minutes(5) },
  { name: 'Slow', burnRate: 6, long: Duration.hours(6), short: Duration.minutes(30) },
] as const;

export interface CreatePaymentSloProps {
  readonly httpApi: apigw.IHttpApi;
  /** The API's stage (`$default`): its per-route metrics carry the Stage dimension. */
  readonly stage: { readonly stageName: string };
  /** Where the two SLO alarms notify (the stack's alarm topic). */
  readonly action: SnsAction;
}

/**
 * The service levels of POST /v1/payments, on API Gateway's per-route metrics (the stage's detailed
 * metrics: dimensions ApiId, Stage, Route): availability 99.95% (5xx / Count) and latency (the share of
 * requests slower than LATENCY_THRESHOLD_MS, from the Latency metric's percentile rank `PR(:500)`).
 * Per objective, one metric-math alarm per window (no actions of their own) and ONE composite alarm,
 * `(1h AND 5m) OR (6h AND 30m)`, which pages: five alarms an objective, not eight.
 */
export class CreatePaymentSlo extends Construct {
  readonly availabilityAlarm: cloudwatch.CompositeAlarm;
  readonly latencyAlarm: cloudwatch.CompositeAlarm;
  /** Error ratio and slow ratio over 5 minutes, for the dashboard. */
  readonly errorRatio: cloudwatch.MathExpression;
  readonly slowRatio: cloudwatch.MathExpression;

  constructor(scope: Construct, id: string, props: CreatePaymentSloProps) {
    super(scope, id);
    const metric = (metricName: string, statistic: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.httpApi.apiId, Stage: props.stage.stageName, Route: SLO_ROUTE },
        statistic,
        period,
      });
    const errorRatio = (period: Duration) =>
      new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, errors / requests, 0)',
        usingMetrics: {
          errors: metric('5xx', cloudwatch.Stats.SUM, period),
          requests: metric('Count', cloudwatch.Stats.SUM, period),
        },
        period,
        label: `${SLO_ROUTE} 5xx ratio`,
      });
    const slowRatio = (period: Duration) =>
      new cloudwatch.MathExpression({
        // PR(:500) = the percentage of requests answered within 500 ms; no requests, no data, no alarm.
        expression: '(100 - fast) / 100',
        usingMetrics: {
          fast: metric('Latency', cloudwatch.Stats.percentileRank(LATENCY_THRESHOLD_MS), period),
        },
        period,
        label: `${SLO_ROUTE} share slower than ${LATENCY_THRESHOLD_MS} ms`,
      });
    this.errorRatio = errorRatio(Duration.minutes(5));
    this.slowRatio = slowRatio(Duration.minutes(5));
    this.availabilityAlarm = this.objective(
      'Availability',
      1 - AVAILABILITY_OBJECTIVE,
      errorRatio,
      `${SLO_ROUTE} answers 5xx faster than its 99.95% availability objective allows`,
      props.action,
    );
    this.latencyAlarm = this.objective(
      'Latency',
      1 - LATENCY_OBJECTIVE,
      slowRatio,
      `${SLO_ROUTE} answers slower than ${LATENCY_THRESHOLD_MS} ms more often than its p99 objective allows`,
      props.action,
    );
  }

  private objective(
    name: string,
    budget: number,
    ratio: (period: Duration) => cloudwatch.IMetric,
    what: string,
    action: SnsAction,
  ): cloudwatch.CompositeAlarm {
    const pairs = BURN_WINDOWS.map((w) => {
      // Rounded: 1 − 0.9995 is not 0.0005 in binary floating point.
      const threshold = Number((w.burnRate * budget).toPrecision(6));
      const window = (kind: 'Long' | 'Short', period: Duration) =>
        new cloudwatch.Alarm(this, `${name}${w.name}Burn${kind}`, {
          alarmDescription: `${what}: burn rate over ${period.toHumanString()} above ${w.burnRate}× (${name} SLO, part of ${name}SloAlarm; notifies nothing itself).`,
          metric: ratio(period),
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      return cloudwatch.AlarmRule.allOf(window('Long', w.long), window('Short', w.short));
    });
    const composite = new cloudwatch.CompositeAlarm(this, `${name}SloAlarm`, {
      alarmDescription: `${what}: the 30-day error budget burns 14.4× too fast over 1 h and 5 min, or 6× over 6 h and 30 min (SRE workbook, multi-window multi-burn-rate).`,
      alarmRule: cloudwatch.AlarmRule.anyOf(...pairs),
    });
    composite.addAlarmAction(action);
    composite.addOkAction(action);
    return composite;
  }
}
