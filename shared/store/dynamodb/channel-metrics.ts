/**
 * Counts of the channels' health machinery as CloudWatch metrics in the embedded metric format: the log
 * line is the metric, no PutMetricData call on the payment's path (the same choice as shared/events/batch.ts).
 * Namespace `Payments`; each count is emitted per channel and once without a dimension, which is what the
 * stack's alarms watch (infra/constructs/channel-health.ts).
 */
import { emitMetrics, METRICS_NAMESPACE } from '../../http/metric-line.js';

export { METRICS_NAMESPACE };

export type ChannelMetric =
  /** A breaker opened (the one write that opened it emits it: exactly once per opening). */
  | 'ChannelBreakerOpened'
  | 'ChannelBreakerClosed'
  /** The breaker store could not be read or written; the breaker failed open. */
  | 'ChannelBreakerStoreErrors';

/**
 * One count of `metric` for `channel`, as an EMF log line (at WARN, or Lambda's log level would drop it:
 * shared/http/metric-line.ts).
 */
export function countChannelMetric(metric: ChannelMetric, channel: string, message: string): void {
  emitMetrics(message, {
    dimensions: { channel },
    dimensionSets: [['channel'], []],
    metrics: { [metric]: 1 },
  });
}

/**
 * A batch's outcomes per channel (the health consumer's and the dispatcher's batches, as counted in
 * channel-outcome-counts.ts): one line per channel and batch, never one per payment. The dashboard's
 * authorization rate is succeeded / (succeeded + failed), its unavailability unavailable / all three.
 */
export function countChannelOutcomes(
  counts: ReadonlyMap<string, { succeeded: number; failed: number; unavailable: number }>,
): void {
  for (const [channel, c] of counts) {
    emitMetrics('channel outcomes', {
      dimensions: { channel },
      metrics: { ChannelSucceeded: c.succeeded, ChannelFailed: c.failed, ChannelUnavailable: c.unavailable },
    });
  }
}
