/**
 * The one mapper from errors to problem+json, and the middy middleware that applies it: an error's
 * code picks its problem in the table (shared/schemas/error-problems.ts). 4xx details are exposed;
 * DynamoDB throttling that outlasted the SDK's retries becomes a 503 with `Retry-After`; anything else
 * unexpected becomes a 500. Neither detail says anything about the cause (the cause
 * goes to the log with the request id). Never a stack trace in a response.
 */
import type { MiddlewareObj } from '@middy/core';
import { CodedError } from '../domain/errors.js';
import { problemRuleOf } from '../schemas/error-problems.js';
import { problem } from '../schemas/problem-catalogue.js';
import { HttpProblemError } from './errors.js';
import { logger } from './logger.js';
import { type ApiResult, problemResponse } from './responses.js';

/** Maps any thrown value to the problem response the client sees. */
export function toProblemResponse(error: unknown): ApiResult {
  if (error instanceof HttpProblemError) {
    // Every 503 tells the client when to retry, whoever raised it (a gateway check failing closed too);
    // an error's own headers (a 429's Retry-After) come with it.
    const headers: Record<string, string> =
      error.code === 'service-unavailable' ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {};
    return problemResponse(problem(error.code, error.detail, error.errors), { ...headers, ...error.headers });
  }
  const rule = error instanceof CodedError ? problemRuleOf(error.code) : undefined;
  if (rule) {
    const coded = error as CodedError;
    return problemResponse(
      problem(rule.problem, rule.detail ? rule.detail(coded) : coded.message, rule.errors?.(coded)),
    );
  }
  if (isThrottling(error)) {
    return problemResponse(
      problem('service-unavailable', 'The request could not be completed now. Retry it.'),
      {
        'Retry-After': String(RETRY_AFTER_SECONDS),
      },
    );
  }
  return problemResponse(problem('internal-error', 'The request could not be completed. It may be retried.'));
}

/** What a client should wait before retrying a throttled request. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * SDK errors (matched by name: the SDK's classes stay out of the API bundles) that mean DynamoDB is
 * refusing load, not that the request is wrong; they reach us only once the SDK's retries ran out.
 */
const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
]);

/**
 * Throttling, also when another service's function met it (services/invoke.ts, matched by name too): a
 * read asked of the owner's function (create-payment's risk profile, routing configuration) answers as
 * the same read made directly did. `InvokedFunctionError`: the function failed on a throttled DynamoDB
 * call; `InvokeCallError` `TooManyRequestsException`: Lambda refused the invocation for load.
 */
function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $retryable, errorType, type } = error as {
    name?: unknown;
    $retryable?: { throttling?: boolean };
    errorType?: unknown;
    type?: unknown;
  };
  if (name === 'InvokedFunctionError')
    return typeof errorType === 'string' && THROTTLING_ERRORS.has(errorType);
  if (name === 'InvokeCallError') return type === 'TooManyRequestsException';
  return (typeof name === 'string' && THROTTLING_ERRORS.has(name)) || $retryable?.throttling === true;
}

/** middy `onError`: answers a problem, logging 5xx causes (with stack) and 4xx codes (without). */
export function problemErrors(): MiddlewareObj<unknown, ApiResult> {
  return {
    onError: function problemErrorsOnError(request) {
      const response = toProblemResponse(request.error);
      if (response.statusCode >= 500) logger.error('request failed', { error: request.error as Error });
      else logger.info('request refused', { status: response.statusCode, error: errorCode(request.error) });
      request.response = response;
    },
  };
}

function errorCode(error: unknown): string | undefined {
  return error instanceof CodedError ? error.code : undefined;
}
