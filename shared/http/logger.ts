/**
 * The process-wide structured logger: Powertools Logger (JSON lines with `level`, `message`, `timestamp`,
 * `service`, `function_request_id`, `cold_start`, `xray_trace_id`). Service name and level come from the
 * `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_LOG_LEVEL` variables every function gets from the stack.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'payments' });
