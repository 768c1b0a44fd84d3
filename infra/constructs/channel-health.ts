import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/store/dynamodb/channel-metrics.js';
import type { PaymentsApi } from './api.js';
import type { Events } from './events.js';
import type { Monitoring } from './monitoring.js';
import type { PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

export interface ChannelHealthProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
  readonly events: Events;
  readonly monitoring: Monitoring;
}

/** Partition-key prefixes (shared/store/keys.ts): outcome counts; channel settings and breakers. */
export const OUTCOME_COUNTS = 'HLT#*';
export const CHANNEL_RECORDS = 'CHANNEL#*';

/**
 * Outcome messages per invocation: the counts of a whole batch are one write per scope and bucket, so
 * bigger batches mean fewer writes per key; nobody waits on them, so the pollers may gather for a while.
 */
const HEALTH_BATCH_SIZE = 100;
const HEALTH_BATCHING_WINDOW = Duration.seconds(5);

/**
 * Channel health: the ops routes GET /v1/ops/channels and GET / PUT /v1/ops/channels/{channel}, the consumer that counts payment outcomes per channel (PaymentSucceeded, PaymentFailed
 * → functions/events/channel-health.ts; UpdateItem on the outcome counts only), and the alarms on the channels' circuit breakers. The breaker store counts each opening
 * (and each time it failed open because the table could not be reached) in the embedded metric format,
 * emitted by the one conditional write that made the change, so an opening is counted exactly once
 * whichever function saw it (shared/store/dynamodb/channel-metrics.ts).
 */
export class ChannelHealth extends Construct {
  readonly breakerOpenedAlarm: cloudwatch.Alarm;
  readonly breakerStoreAlarm: cloudwatch.Alarm;
  readonly consumerFunction: PaymentsFunction;
  readonly listFunction: PaymentsFunction;
  readonly getFunction: PaymentsFunction;
  readonly putFunction: PaymentsFunction;

  constructor(scope: Construct, id: string, props: ChannelHealthProps) {
    super(scope, id);
    const { api, table, events, monitoring } = props;
    const environment = { TABLE_NAME: table.tableName };
    const reads = (fn: PaymentsFunction) =>
      table.grantItemActionsOnKeys(fn, ['dynamodb:BatchGetItem'], [CHANNEL_RECORDS, OUTCOME_COUNTS]);

    // Ops routes: each reads the channel records and the outcome counts (BatchGetItem); PUT also
    // replaces a channel's settings item.
    this.listFunction = api.addKeyedFunction(
      'ListChannelsFunction',
      apigw.HttpMethod.GET,
      '/v1/ops/channels',
      {
        entry: 'api/list-channels',
        environment,
      },
    );
    reads(this.listFunction);
    const path = '/v1/ops/channels/{channel}';
    this.getFunction = api.addKeyedFunction('GetChannelFunction', apigw.HttpMethod.GET, path, {
      entry: 'api/get-channel',
      environment,
    });
    reads(this.getFunction);
    this.putFunction = api.addKeyedFunction('PutChannelFunction', apigw.HttpMethod.PUT, path, {
      entry: 'api/put-channel',
      environment,
    });
    reads(this.putFunction);
    table.grantItemActionsOnKeys(this.putFunction, ['dynamodb:PutItem'], [CHANNEL_RECORDS]);

    this.consumerFunction = events.addConsumer('ChannelHealth', {
      entry: 'events/channel-health',
      description: 'PaymentSucceeded, PaymentFailed: count outcomes per channel, per batch',
      detailTypes: ['PaymentSucceeded', 'PaymentFailed'],
      environment,
      batchSize: HEALTH_BATCH_SIZE,
      maxBatchingWindow: HEALTH_BATCHING_WINDOW,
    }).fn;
    table.grantItemActionsOnKeys(this.consumerFunction, ['dynamodb:UpdateItem'], [OUTCOME_COUNTS]);

    const count = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.SUM,
      });
    this.breakerOpenedAlarm = monitoring.watchCount(
      'ChannelBreakerOpenedAlarm',
      count('ChannelBreakerOpened'),
      'A channel circuit breaker opened: the channel was unavailable and routing sends its traffic elsewhere (ChannelBreakerOpened on the bus names it).',
    );
    this.breakerStoreAlarm = monitoring.watchCount(
      'ChannelBreakerStoreErrorsAlarm',
      count('ChannelBreakerStoreErrors'),
      'The channel breakers could not be read or written: breakers fail open, so an unavailable channel keeps receiving traffic.',
    );
  }
}
