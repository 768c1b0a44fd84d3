import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A stream consumer this far behind means new payments wait that long before reaching their channel. */
const ITERATOR_AGE_THRESHOLD = Duration.minutes(1);

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  readonly httpApi: apigw.HttpApi;
  /** Every function whose errors should page someone. */
  readonly functions: lambda.Function[];
  /** The stream consumer whose lag is watched. */
  readonly streamConsumer: lambda.Function;
  /** Dead-letter queues: any message there is a payment or refund that never reached its channel. */
  readonly deadLetterQueues: sqs.IQueue[];
}

/**
 * Alarms on what a customer or a channel would notice (API 5xx, function errors, stream lag,
 * dead letters), all sent to one encrypted SNS topic that ops subscribe to, plus a small dashboard.
 */
export class Monitoring extends Construct {
  /** Subscribe on-call (email, chat, pager) here. */
  readonly alarmTopic: sns.Topic;

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
    const action = new SnsAction(this.alarmTopic);
    const alarm = (alarmId: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, props);
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };

    const fiveMinutes = Duration.minutes(5);
    const api5xx = props.httpApi.metricServerError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM });
    alarm('Api5xxAlarm', {
      alarmDescription: 'The payments API answered 5xx: never expected, even for bad input (CONTRACT.md).',
      metric: api5xx,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const fn of props.functions) {
      alarm(`${fn.node.id}ErrorsAlarm`, {
        alarmDescription: `${fn.node.path} failed (unhandled error or timeout).`,
        metric: fn.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const iteratorAge = props.streamConsumer.metric('IteratorAge', {
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    alarm('DispatchIteratorAgeAlarm', {
      alarmDescription: 'The channel dispatcher lags behind the table stream: new payments wait.',
      metric: iteratorAge,
      threshold: ITERATOR_AGE_THRESHOLD.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Sustained lag, not one slow batch.
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const dlqDepths = props.deadLetterQueues.map((queue) => {
      const depth = queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      });
      alarm(`${queue.node.id}DepthAlarm`, {
        alarmDescription: `${queue.node.path} holds records that failed every retry: inspect and redrive.`,
        metric: depth,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      return depth;
    });

    new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and 5xx',
            left: [props.httpApi.metricCount({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM })],
            right: [api5xx],
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency p99 (ms)',
            left: [props.httpApi.metricLatency({ period: fiveMinutes, statistic: cloudwatch.Stats.p(99) })],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            left: props.functions.map((fn) =>
              fn.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: fn.node.id }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Dispatch iterator age (ms) and dead letters',
            left: [iteratorAge],
            right: dlqDepths,
          }),
        ],
      ],
    });
  }
}
