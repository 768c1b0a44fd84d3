import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ROUTING_CHANNELS } from '../../shared/domain/routing/catalogue.js';
import { METRICS_NAMESPACE } from '../../shared/http/metric-line.js';
import type { CreatePaymentSlo } from './slo-alarms.js';
import { LATENCY_THRESHOLD_MS } from './slo-alarms.js';

const FIVE_MINUTES = Duration.minutes(5);
const ONE_HOUR = Duration.hours(1);

/** What the ops rows of the dashboard graph. */
export interface OpsDashboardProps {
  readonly httpApi: apigw.IHttpApi;
  /** The API's stage (`$default`): its per-route metrics carry the Stage dimension. */
  readonly stage: { readonly stageName: string };
  readonly slo: CreatePaymentSlo;
  /** Queues whose oldest message's age says how far behind their consumer is. */
  readonly queues: readonly sqs.IQueue[];
  readonly deadLetterQueues: readonly sqs.IQueue[];
  readonly settlement: sfn.IStateMachine;
}

/** A metric of ours (EMF lines, shared/http/metric-line.ts). */
const ours = (metricName: string, dimensionsMap: Record<string, string> = {}, period = ONE_HOUR) =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap,
    period,
    statistic: cloudwatch.Stats.SUM,
  });

/**
 * The dashboard's ops rows (issue 13): API latency and errors by route (SEARCH over the stage's detailed
 * metrics, so a new route shows without a deploy of the dashboard), the create SLO, each channel's
 * authorization rate and unavailability and its breaker's openings and closings, queue ages and dead
 * letters, reconciliation findings, settlement runs and payouts.
 */
export function opsDashboardRows(props: OpsDashboardProps): cloudwatch.IWidget[][] {
  const apiSearch = (metricName: string, statistic: string, label: string) =>
    new cloudwatch.MathExpression({
      expression: `SEARCH('{AWS/ApiGateway,ApiId,Stage,Route} MetricName="${metricName}" ApiId="${props.httpApi.apiId}"', '${statistic}', 300)`,
      label,
      period: FIVE_MINUTES,
    });
  const perChannel = (
    title: string,
    expression: (channel: string) => string,
    metrics: (channel: string) => Record<string, cloudwatch.IMetric>,
  ) =>
    new cloudwatch.GraphWidget({
      title,
      width: 8,
      left: ROUTING_CHANNELS.map(
        (channel) =>
          new cloudwatch.MathExpression({
            expression: expression(channel),
            usingMetrics: metrics(channel),
            label: channel,
            period: ONE_HOUR,
          }),
      ),
      leftYAxis: { min: 0, max: 1 },
    });
  // Metric ids are per graph: one set per channel (s_sandbox, f_sandbox, ...).
  const outcomes = (channel: string) => ({
    [`s_${channel}`]: ours('ChannelSucceeded', { channel }),
    [`f_${channel}`]: ours('ChannelFailed', { channel }),
    [`u_${channel}`]: ours('ChannelUnavailable', { channel }),
  });
  const findings = [
    'ReconciliationLocalMissing',
    'ReconciliationChannelMissing',
    'ReconciliationMismatched',
    'ReconciliationDuplicates',
    'ReconciliationRepaired',
  ];

  return [
    [
      new cloudwatch.GraphWidget({
        title: 'API latency p99 by route (ms)',
        width: 8,
        left: [apiSearch('Latency', 'p99', '')],
      }),
      new cloudwatch.GraphWidget({
        title: 'API 5xx by route',
        width: 8,
        left: [apiSearch('5xx', 'Sum', '')],
      }),
      new cloudwatch.GraphWidget({
        title: 'API 4xx by route',
        width: 8,
        left: [apiSearch('4xx', 'Sum', '')],
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'SLO POST /v1/payments: 5xx ratio (objective 99.95%)',
        width: 12,
        left: [props.slo.errorRatio],
        leftAnnotations: [{ value: 0.0005, label: 'error budget (0.05%)' }],
      }),
      new cloudwatch.GraphWidget({
        title: `SLO POST /v1/payments: share slower than ${LATENCY_THRESHOLD_MS} ms (objective 1%)`,
        width: 12,
        left: [props.slo.slowRatio],
        leftAnnotations: [{ value: 0.01, label: 'error budget (1%)' }],
      }),
    ],
    [
      perChannel(
        'Authorization rate by channel (succeeded / outcomes, hourly)',
        (c) => `IF(s_${c} + f_${c} > 0, s_${c} / (s_${c} + f_${c}))`,
        outcomes,
      ),
      perChannel(
        'Unavailability by channel (unavailable / submissions, hourly)',
        (c) => `IF(s_${c} + f_${c} + u_${c} > 0, u_${c} / (s_${c} + f_${c} + u_${c}))`,
        outcomes,
      ),
      new cloudwatch.GraphWidget({
        title: 'Channel breakers: openings (left) and closings (right)',
        width: 8,
        left: ROUTING_CHANNELS.map((channel) =>
          ours('ChannelBreakerOpened', { channel }, FIVE_MINUTES).with({ label: `${channel} opened` }),
        ),
        right: ROUTING_CHANNELS.map((channel) =>
          ours('ChannelBreakerClosed', { channel }, FIVE_MINUTES).with({ label: `${channel} closed` }),
        ),
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'Queue age of the oldest message (s)',
        width: 12,
        left: props.queues.map((q) =>
          q
            .metricApproximateAgeOfOldestMessage({
              period: FIVE_MINUTES,
              statistic: cloudwatch.Stats.MAXIMUM,
            })
            .with({
              label: q.node.id,
            }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depths',
        width: 12,
        left: props.deadLetterQueues.map((q) =>
          q
            .metricApproximateNumberOfMessagesVisible({
              period: FIVE_MINUTES,
              statistic: cloudwatch.Stats.MAXIMUM,
            })
            .with({ label: q.node.id }),
        ),
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'Reconciliation findings (daily, all channels)',
        width: 12,
        stacked: true,
        left: findings.map(
          (name) =>
            new cloudwatch.MathExpression({
              expression: `SEARCH('{${METRICS_NAMESPACE},channel} MetricName="${name}"', 'Sum', 86400)`,
              label: name.replace('Reconciliation', ''),
              period: Duration.days(1),
            }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Settlement runs (left) and payouts (right), daily',
        width: 12,
        left: [
          props.settlement.metricSucceeded({ period: Duration.days(1) }).with({ label: 'runs succeeded' }),
          props.settlement.metricFailed({ period: Duration.days(1) }).with({ label: 'runs failed' }),
        ],
        right: [
          ours('PayoutSucceeded', { service: 'settlement' }, Duration.days(1)).with({
            label: 'payouts sent',
          }),
          ours('PayoutFailed', { service: 'settlement' }, Duration.days(1)).with({ label: 'payouts failed' }),
          ours('Settlements', { service: 'settlement' }, Duration.days(1)).with({
            label: 'settlements made',
          }),
        ],
      }),
    ],
  ];
}
