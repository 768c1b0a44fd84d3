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
import { opsDashboardRows } from './ops-dashboard.js';
import { CreatePaymentSlo } from './slo-alarms.js';

/** A stream consumer this far behind means new payments wait that long before reaching their channel. */
const ITERATOR_AGE_THRESHOLD = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  readonly httpApi: apigw.HttpApi;
  /** The API's stage: its per-route metrics carry the service levels of POST /v1/payments (slo-alarms.ts). */
  readonly stage: apigw.HttpStage;
  /** Every function whose errors should page someone. */
  readonly functions: lambda.Function[];
  /**
   * Functions behind API routes: on the dashboard, with no alarm of their own, since an unhandled error or
   * a timeout of one is an API 5xx, which Api5xxAlarm pages on (one alarm instead of one per route: a
   * stack holds at most 500 resources).
   */
  readonly apiFunctions?: lambda.Function[];
  /** The stream consumer whose lag is watched. */
  readonly streamConsumer: lambda.Function;
  /** Dead-letter queues: any message there is a payment or refund that never reached its channel. */
  readonly deadLetterQueues: sqs.IQueue[];
}

/**
 * Alarms on what a customer or a channel would notice (API 5xx, function errors, stream lag,
 * dead letters), all sent to one encrypted SNS topic that ops subscribe to, plus a small dashboard.
 * Constructs created later (the event backbone and its consumers) add theirs with the `watch…` methods.
 */
export class Monitoring extends Construct {
  /** Subscribe on-call (email, chat, pager) here. */
  readonly alarmTopic: sns.Topic;
  private readonly action: SnsAction;
  private readonly watchedFunctions = new Set<lambda.IFunction>();
  private readonly watchedQueues = new Set<sqs.IQueue>();
  private readonly errorsWidget: cloudwatch.GraphWidget;
  private readonly lagWidget: cloudwatch.GraphWidget;
  /** The one dashboard of the stack; the ops rows are added once every construct exists (addOpsRows). */
  readonly dashboard: cloudwatch.Dashboard;
  /** The availability and latency objectives of POST /v1/payments, with their burn-rate alarms. */
  readonly slo: CreatePaymentSlo;
  private readonly httpApi: apigw.HttpApi;
  private readonly stage: apigw.HttpStage;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    // A customer-managed key, because CloudWatch alarms cannot publish to a topic encrypted with the
    // AWS-managed aws/sns key (its policy cannot be extended to the CloudWatch service).
    const topicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the payments alarm topic',
      enableKeyRotation: true,
    });
    topicKey.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Payments alarms',
      masterKey: topicKey,
      enforceSSL: true,
    });
    this.action = new SnsAction(this.alarmTopic);
    this.httpApi = props.httpApi;
    this.stage = props.stage;
    this.slo = new CreatePaymentSlo(this, 'Slo', {
      httpApi: props.httpApi,
      stage: props.stage,
      action: this.action,
    });

    const api5xx = props.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    this.alarm('Api5xxAlarm', {
      alarmDescription:
        'The payments API answered 5xx: never expected, even for bad input (docs/contract.md).',
      metric: api5xx,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.errorsWidget = new cloudwatch.GraphWidget({ title: 'Function errors' });
    this.lagWidget = new cloudwatch.GraphWidget({
      title: 'Stream consumers iterator age (ms) and dead letters',
    });
    for (const fn of props.functions) this.watchFunction(fn);
    for (const fn of props.apiFunctions ?? []) this.watchFunction(fn, { alarm: false });
    this.watchStreamConsumer(
      'DispatchIteratorAgeAlarm',
      props.streamConsumer,
      'The channel dispatcher lags behind the table stream: new payments wait.',
    );
    for (const queue of props.deadLetterQueues) this.watchDeadLetterQueue(queue);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and 5xx',
            left: [props.httpApi.metricCount({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM })],
            right: [api5xx],
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency p99 (ms)',
            left: [props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99) })],
          }),
        ],
        [this.errorsWidget, this.lagWidget],
      ],
    });
  }

  /**
   * Adds the ops rows (ops-dashboard.ts): call once, after every construct that adds a queue or a route.
   * The dead-letter queues are those watched so far.
   */
  addOpsRows(props: {
    readonly queues: readonly sqs.IQueue[];
    readonly settlement: sfn.IStateMachine;
  }): void {
    const rows = opsDashboardRows({
      httpApi: this.httpApi,
      stage: this.stage,
      slo: this.slo,
      queues: props.queues,
      deadLetterQueues: [...this.watchedQueues],
      settlement: props.settlement,
    });
    for (const row of rows) this.dashboard.addWidgets(...row);
  }

  /** Alarms on any error (unhandled error or timeout) of `fn`. Watching a function twice does nothing. */
  watchFunction(fn: lambda.IFunction, options: { readonly alarm?: boolean } = {}): void {
    if (this.watchedFunctions.has(fn)) return;
    this.watchedFunctions.add(fn);
    const errors = fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    if (options.alarm ?? true)
      this.alarm(`${fn.node.id}ErrorsAlarm`, {
        alarmDescription: `${fn.node.path} failed (unhandled error or timeout).`,
        metric: errors,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    // A label only on the dashboard's copy: a labelled alarm metric renders as a metric-math alarm.
    this.errorsWidget.addLeftMetric(errors.with({ label: fn.node.id }));
  }

  /** Alarms when the stream consumer `fn` lags behind its stream for five minutes. */
  watchStreamConsumer(alarmId: string, fn: lambda.IFunction, description: string): void {
    const iteratorAge = fn.metric('IteratorAge', {
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    this.alarm(alarmId, {
      alarmDescription: description,
      metric: iteratorAge,
      threshold: ITERATOR_AGE_THRESHOLD.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Sustained lag, not one slow batch.
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.lagWidget.addLeftMetric(iteratorAge.with({ label: `${fn.node.id} iterator age` }));
  }

  /** Alarms as soon as one message is in the dead-letter queue `queue`. Watching it twice does nothing. */
  watchDeadLetterQueue(queue: sqs.IQueue): void {
    if (this.watchedQueues.has(queue)) return;
    this.watchedQueues.add(queue);
    const depth = queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    this.alarm(`${queue.node.id}DepthAlarm`, {
      alarmDescription: `${queue.node.path} holds messages that failed every retry: inspect and redrive.`,
      metric: depth,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.lagWidget.addRightMetric(depth.with({ label: queue.node.id }));
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

  private alarm(alarmId: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const created = new cloudwatch.Alarm(this, alarmId, props);
    created.addAlarmAction(this.action);
    created.addOkAction(this.action);
    return created;
  }
}
