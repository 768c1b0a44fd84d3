/**
 * Counts of the channels' health machinery as CloudWatch metrics in the embedded metric format: the log
 * line is the metric, no PutMetricData call on the payment's path (the same choice as shared/events/batch.ts).
 * Namespace `Payments`; each count is emitted per channel and once without a dimension, which is what the
 * stack's alarms watch (infra/constructs/channel-health.ts).
 */
import { logger } from '../../http/logger.js';

export const METRICS_NAMESPACE = 'Payments';

export type ChannelMetric =
  /** A breaker opened (the one write that opened it emits it: exactly once per opening). */
  | 'ChannelBreakerOpened'
  | 'ChannelBreakerClosed'
  /** The breaker store could not be read or written; the breaker failed open. */
  | 'ChannelBreakerStoreErrors';

/** One count of `metric` for `channel`, as an EMF log line. */
export function countChannelMetric(metric: ChannelMetric, channel: string, message: string): void {
  logger.info(message, {
    channel,
    [metric]: 1,
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['channel'], []],
          Metrics: [{ Name: metric, Unit: 'Count' }],
        },
      ],
    },
  });
}
