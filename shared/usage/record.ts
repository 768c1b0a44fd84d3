/**
 * The usage record: one structured log line per answered request of a merchant key, written by the
 * `usageMeter` middleware and counted by the usage aggregator (functions/usage/aggregate-usage.ts), which
 * receives these lines from the API functions' log groups through a CloudWatch Logs subscription filter
 * whose pattern is USAGE_FILTER_PATTERN. The line is the only thing the request path writes for metering:
 * no DynamoDB call per request.
 */

/** `message` of a usage line; the subscription filter selects lines on it. */
export const USAGE_LOG_MESSAGE = 'api usage';

/** The CloudWatch Logs filter pattern that selects usage lines (JSON pattern on `message`). */
export const USAGE_FILTER_PATTERN = `{ $.message = "${USAGE_LOG_MESSAGE}" }`;

export interface UsageRecord {
  readonly merchantId: string;
  /** API Gateway's `routeKey`: `METHOD /path/{param}`. */
  readonly route: string;
  /** The HTTP status answered. */
  readonly status: number;
  /** When API Gateway received the request (ISO 8601 UTC): the day it is counted on. */
  readonly at: string;
  /** True on a first 201 (an object created, not an idempotent replay). */
  readonly created: boolean;
}

/**
 * The JSON log line of a record. `level` is INFO: Lambda's log-level filter keeps it only where the
 * function's application log level admits INFO (the usage construct sets it on every metered function).
 */
export function usageLogLine(record: UsageRecord): string {
  return JSON.stringify({
    level: 'INFO',
    message: USAGE_LOG_MESSAGE,
    timestamp: new Date().toISOString(),
    usage: {
      merchantId: record.merchantId,
      route: record.route,
      status: record.status,
      at: record.at,
      ...(record.created ? { created: true } : {}),
    },
  });
}

const ROUTE = /^[A-Z]{3,7} \/\S{0,300}$|^\$default$/;
const MERCHANT = /^[A-Za-z0-9_-]{1,64}$/;
const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * The record a log event's message holds, or `undefined` when it is not a well-formed usage line
 * (a line the filter let through by mistake is never counted as something it is not).
 */
export function parseUsageLine(message: string): UsageRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const line = parsed as { message?: unknown; usage?: unknown };
  if (line.message !== USAGE_LOG_MESSAGE || typeof line.usage !== 'object' || line.usage === null)
    return undefined;
  const u = line.usage as Record<string, unknown>;
  if (typeof u.merchantId !== 'string' || !MERCHANT.test(u.merchantId)) return undefined;
  if (typeof u.route !== 'string' || !ROUTE.test(u.route)) return undefined;
  if (typeof u.status !== 'number' || !Number.isInteger(u.status) || u.status < 100 || u.status > 599)
    return undefined;
  if (typeof u.at !== 'string' || !AT.test(u.at) || Number.isNaN(Date.parse(u.at))) return undefined;
  return {
    merchantId: u.merchantId,
    route: u.route,
    status: u.status,
    at: u.at,
    created: u.created === true,
  };
}
