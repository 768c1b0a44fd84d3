/**
 * CloudWatch metrics as embedded-metric-format (EMF) log lines: the line is the metric, no PutMetricData
 * call and no client in the bundle. Namespace `Payments`.
 *
 * Written at WARN on purpose: every function runs with Lambda's application log level at WARN
 * (infra/constructs/payments-function.ts), and Lambda filters every stdout line below that level, a line
 * without a `level` counting as INFO (Lambda Developer Guide, "Log-level filtering"), EMF lines included.
 * An EMF line at INFO would never reach CloudWatch, and neither would the alarms watching it.
 */
import { logger } from './logger.js';

export const METRICS_NAMESPACE = 'Payments';

export interface MetricLine {
  /** The dimensions' values (`{ channel: 'sandbox' }`), also fields of the log line. */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** Which dimension sets to aggregate by; default: all the dimensions given, as one set. */
  readonly dimensionSets?: readonly (readonly string[])[];
  /** Metric name → value (counts unless `unit` says otherwise). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly unit?: 'Count' | 'Milliseconds' | 'None';
  /** More fields for the log line (not dimensions). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Emits `line` as one EMF log line with `message`. */
export function emitMetrics(message: string, line: MetricLine): void {
  const dimensions = line.dimensions ?? {};
  logger.warn(message, {
    ...line.fields,
    ...dimensions,
    ...line.metrics,
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: (line.dimensionSets ?? [Object.keys(dimensions)]).map((set) => [...set]),
          Metrics: Object.keys(line.metrics).map((Name) => ({ Name, Unit: line.unit ?? 'Count' })),
        },
      ],
    },
  });
}
