/**
 * The event a CloudWatch Logs subscription filter invokes a Lambda function with:
 * `{ awslogs: { data: base64(gzip(JSON)) } }`, the JSON holding the log group, the stream and the events.
 */
import { gunzipSync } from 'node:zlib';

export interface LogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

export interface LogsBatch {
  readonly messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly LogEvent[];
}

export interface CloudWatchLogsInvocation {
  readonly awslogs: { readonly data: string };
}

/** Decodes a subscription filter's invocation. @throws TypeError when it is not one. */
export function decodeLogsBatch(event: unknown): LogsBatch {
  const data = (event as Partial<CloudWatchLogsInvocation> | null)?.awslogs?.data;
  if (typeof data !== 'string') throw new TypeError('not a CloudWatch Logs subscription event');
  const batch = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as Partial<LogsBatch>;
  if (
    (batch.messageType !== 'DATA_MESSAGE' && batch.messageType !== 'CONTROL_MESSAGE') ||
    typeof batch.logGroup !== 'string' ||
    !Array.isArray(batch.logEvents)
  ) {
    throw new TypeError('malformed CloudWatch Logs subscription data');
  }
  return {
    messageType: batch.messageType,
    logGroup: batch.logGroup,
    logStream: String(batch.logStream ?? ''),
    subscriptionFilters: batch.subscriptionFilters ?? [],
    logEvents: batch.logEvents,
  };
}
