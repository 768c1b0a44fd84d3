import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { stageOf } from '../stages.js';
import { opsDashboardRows } from './ops-dashboard.js';
import { CreatePaymentSlo } from './slo-alarms.js';

/** A stream consumer this far behind means new payments wait that long before reaching their channel. */
const ITERATOR_AGE_THRESHOLD = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * The one alarm topic of a stage (foundation stack), encrypted, that ops subscribe to (email, chat,
 * pager); every service's alarms notify it.
 */
export class AlarmTopic extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A customer-managed key, because CloudWatch alarms cannot publish to a topic encrypted with the
    // AWS-managed aws/sns key (its policy cannot be extended to the CloudWatch service).
    this.key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the payments alarm topic',
      enableKeyRotation: true,
    });
    this.key.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Payments alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
  }
}

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  /** The stage's alarm topic (foundation), imported by ARN. */
  readonly alarmTopic: sns.ITopic;
}

/**
 * One stack's alarms on what a customer or a channel would notice (function errors, stream lag, dead
 * letters, counts of our own metrics), sent to the stage's alarm topic when the stage notifies
 * (stages.ts). Constructs add theirs with the `watch…` methods.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: sns.ITopic;
  readonly action: SnsAction;
  private readonly watchedFunctions = new Set<lambda.IFunction>();
  private readonly watchedQueues = new Set<sqs.IQueue>();

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic;
    this.action = new SnsAction(props.alarmTopic);
  }

  /**
   * Alarms on any error (unhandled error or timeout) of `fn`; with `alarm: false` (a route function,
   * whose failure is an API 5xx, alarmed once for the API) it is only remembered. Twice does nothing.
   */
  watchFunction(fn: lambda.IFunction, options: { readonly alarm?: boolean } = {}): void {
    if (this.watchedFunctions.has(fn)) return;
    this.watchedFunctions.add(fn);
    if (!(options.alarm ?? true)) return;
    this.alarm(`${fn.node.id}ErrorsAlarm`, {
      alarmDescription: `${fn.node.path} failed (unhandled error or timeout).`,
      metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Alarms when the stream consumer `fn` lags behind its stream for five minutes. */
  watchStreamConsumer(alarmId: string, fn: lambda.IFunction, description: string): void {
    this.alarm(alarmId, {
      alarmDescription: description,
      metric: fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: ITERATOR_AGE_THRESHOLD.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Sustained lag, not one slow batch.
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Alarms as soon as one message is in the dead-letter queue `queue`. Watching it twice does nothing. */
  watchDeadLetterQueue(queue: sqs.IQueue): void {
    if (this.watchedQueues.has(queue)) return;
    this.watchedQueues.add(queue);
    this.alarm(`${queue.node.id}DepthAlarm`, {
      alarmDescription: `${queue.node.path} holds messages that failed every retry: inspect and redrive.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Alarms as soon as `metric` (a count, summed over five minutes) is above zero. */
  watchCount(alarmId: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    return this.alarm(alarmId, {
      alarmDescription: description,
      metric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  alarm(alarmId: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const created = new cloudwatch.Alarm(this, alarmId, props);
    if (stageOf(this).alarmActions) {
      created.addAlarmAction(this.action);
      created.addOkAction(this.action);
    }
    return created;
  }
}

/** Props of {@link ApiDashboard}. */
export interface ApiDashboardProps {
  readonly monitoring: Monitoring;
  readonly httpApi: apigw.IHttpApi;
  readonly stage: { readonly stageName: string };
  /** Every consumer queue of the app (their oldest message's age). */
  readonly queues: readonly sqs.IQueue[];
  /** Every dead-letter queue of the app (their depth; each is alarmed in its own stack). */
  readonly deadLetterQueues: readonly sqs.IQueue[];
  readonly settlement: sfn.IStateMachine;
}

/**
 * The API's alarms (5xx, the create SLO) and the stage's one dashboard (console service). Functions of
 * every stack show through SEARCH expressions over the stage's stack names, so a service deploying a new
 * function needs no deploy of the dashboard.
 */
export class ApiDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** The availability and latency objectives of POST /v1/payments, with their burn-rate alarms. */
  readonly slo: CreatePaymentSlo;

  constructor(scope: Construct, id: string, props: ApiDashboardProps) {
    super(scope, id);
    const { monitoring, httpApi } = props;
    const stage = stageOf(this).name;
    // Under the stack's Monitoring, with its other alarms.
    this.slo = new CreatePaymentSlo(monitoring, 'Slo', {
      httpApi,
      stage: props.stage,
      action: monitoring.action,
    });

    const api5xx = httpApi.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    monitoring.alarm('Api5xxAlarm', {
      alarmDescription:
        'The payments API answered 5xx: never expected, even for bad input (docs/contract.md).',
      metric: api5xx,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Function names start with their stack's name, `Payments-<Service>-<stage>-…`.
    const lambdaSearch = (metricName: string, statistic: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/Lambda,FunctionName} MetricName="${metricName}" Payments ${stage}', '${statistic}', 60)`,
        label,
        period: Duration.minutes(1),
      });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and 5xx',
            left: [httpApi.metricCount({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM })],
            right: [api5xx],
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency p99 (ms)',
            left: [httpApi.metricLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99) })],
          }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Function errors', left: [lambdaSearch('Errors', 'Sum', '')] }),
          new cloudwatch.GraphWidget({
            title: 'Stream consumers iterator age (ms)',
            left: [lambdaSearch('IteratorAge', 'Maximum', '')],
          }),
        ],
      ],
    });
    const rows = opsDashboardRows({
      httpApi,
      stage: props.stage,
      slo: this.slo,
      queues: props.queues,
      deadLetterQueues: props.deadLetterQueues,
      settlement: props.settlement,
    });
    for (const row of rows) this.dashboard.addWidgets(...row);
  }
}
