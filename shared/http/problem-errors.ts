/**
 * The one mapper from errors to problem+json, and the middy middleware that applies it. 4xx details
 * are exposed; anything unexpected becomes a 500 whose detail says nothing about the cause (the cause
 * goes to the log with the request id). Never a stack trace in a response.
 */
import type { MiddlewareObj } from '@middy/core';
import { problem } from '../schemas/problem-catalogue.js';
import { StoreError } from '../store/errors.js';
import { HttpProblemError } from './errors.js';
import { logger } from './logger.js';
import { type ApiResult, problemResponse } from './responses.js';

/** Maps any thrown value to the problem response the client sees. */
export function toProblemResponse(error: unknown): ApiResult {
  if (error instanceof HttpProblemError) {
    return problemResponse(problem(error.code, error.detail, error.errors));
  }
  if (error instanceof StoreError) {
    switch (error.code) {
      case 'not_found':
        return problemResponse(problem('not-found', error.message));
      case 'idempotency_key_reused':
        return problemResponse(problem('idempotency-key-reused', error.message));
      case 'invalid_cursor':
        return problemResponse(
          problem('validation-error', 'The query string is not valid.', [
            { path: 'cursor', message: error.message },
          ]),
        );
      case 'concurrent_modification':
        return problemResponse(problem('concurrent-modification', error.message));
      case 'corrupt_item':
        break;
    }
  }
  return problemResponse(problem('internal-error', 'The request could not be completed. It may be retried.'));
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
  return error instanceof HttpProblemError || error instanceof StoreError ? error.code : undefined;
}
