import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/store/dynamodb/channel-metrics.js';
import type { Monitoring } from './monitoring.js';

export interface ChannelHealthProps {
  readonly monitoring: Monitoring;
}

/**
 * Channel health: the alarms on the channels' circuit breakers. The breaker store counts each opening
 * (and each time it failed open because the table could not be reached) in the embedded metric format,
 * emitted by the one conditional write that made the change, so an opening is counted exactly once
 * whichever function saw it (shared/store/dynamodb/channel-metrics.ts).
 */
export class ChannelHealth extends Construct {
  readonly breakerOpenedAlarm: cloudwatch.Alarm;
  readonly breakerStoreAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ChannelHealthProps) {
    super(scope, id);
    const { monitoring } = props;
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
