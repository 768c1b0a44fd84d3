/**
 * A small structured (JSON lines) logger, shaped like Powertools Logger's output (`level`, `message`,
 * `timestamp`, `service`, `function_request_id`, `xray_trace_id`) so log queries work the same.
 *
 * Why not Powertools Logger: it adds ~21 KB minified to every bundle, and the 300 KB budget per
 * function (SDK included) leaves no room for it next to the DynamoDB client and zod.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
/** CRITICAL and SILENT are accepted as thresholds, as Powertools does (tests use SILENT). */
const RANK: Record<string, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, CRITICAL: 50, SILENT: 100 };

export type LogAttributes = Record<string, unknown>;

export class Logger {
  private context: LogAttributes = {};
  private readonly threshold: number;
  private coldStart = true;

  constructor(
    private readonly service: string,
    level: string = 'INFO',
  ) {
    this.threshold = RANK[level.toUpperCase()] ?? 20;
  }

  /** Attributes added to every line until the next invocation (request id, function name). */
  setInvocationContext(context: Pick<Context, 'awsRequestId' | 'functionName'>): void {
    this.context = {
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      cold_start: this.coldStart,
    };
    this.coldStart = false;
  }

  debug(message: string, extra?: LogAttributes): void {
    this.write('DEBUG', message, extra);
  }
  info(message: string, extra?: LogAttributes): void {
    this.write('INFO', message, extra);
  }
  warn(message: string, extra?: LogAttributes): void {
    this.write('WARN', message, extra);
  }
  error(message: string, extra?: LogAttributes): void {
    this.write('ERROR', message, extra);
  }

  private write(level: Level, message: string, extra: LogAttributes = {}): void {
    if ((RANK[level] ?? 0) < this.threshold) return;
    const line = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
      ...this.context,
      xray_trace_id: process.env._X_AMZN_TRACE_ID,
      ...serializeErrors(extra),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

function serializeErrors(extra: LogAttributes): LogAttributes {
  const out: LogAttributes = {};
  for (const [key, value] of Object.entries(extra)) {
    out[key] =
      value instanceof Error
        ? {
            name: value.name,
            message: value.message,
            code: (value as { code?: unknown }).code,
            stack: value.stack,
          }
        : value;
  }
  return out;
}

/** The process-wide logger; service and level from the Powertools variables the stack sets. */
export const logger = new Logger(
  process.env.POWERTOOLS_SERVICE_NAME ?? 'payments',
  process.env.POWERTOOLS_LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO',
);

/** middy middleware: every log line of the invocation carries its request id. */
export function injectLambdaContext(
  target: Logger = logger,
): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    before: function injectLambdaContextBefore(request) {
      target.setInvocationContext(request.context);
    },
  };
}
