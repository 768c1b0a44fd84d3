/**
 * The process-wide structured logger. Service name and level come from `POWERTOOLS_SERVICE_NAME` and
 * `POWERTOOLS_LOG_LEVEL`; `injectLambdaContext` adds the request id to every line.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'payments' });
