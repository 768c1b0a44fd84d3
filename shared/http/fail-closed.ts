/**
 * Fail closed: a gateway check (the API key lookup, the request-signing requirement) that cannot reach
 * its store refuses the request with 503 problem+json and `Retry-After`, never lets it through and never
 * answers a bare 500 (the client did nothing wrong and may retry). Answers of the check itself (401, 403,
 * any coded error) pass unchanged. Rate limiting is the one check that fails open instead: a limiter
 * that cannot count must not stop a merchant's payments.
 */
import type { MiddlewareObj } from '@middy/core';
import { CodedError } from '../domain/errors.js';
import type { ApiEvent } from './api-event.js';
import { HttpProblemError } from './errors.js';
import { logger } from './logger.js';

/** 503: a check that guards the request could not be made. */
export class GuardUnavailableError extends HttpProblemError {
  override readonly name = 'GuardUnavailableError';
  constructor(
    readonly check: string,
    cause: unknown,
  ) {
    super('service-unavailable', 'The request could not be checked now. Retry it.', [], { cause });
  }
}

/** `middleware` whose `before` turns any failure that is not an answer into GuardUnavailableError. */
export function failClosed(check: string, middleware: MiddlewareObj<ApiEvent>): MiddlewareObj<ApiEvent> {
  const before = middleware.before;
  if (!before) return middleware;
  return {
    ...middleware,
    before: async function failClosedBefore(request) {
      try {
        return await before(request);
      } catch (error) {
        if (error instanceof CodedError) throw error;
        logger.warn('gateway check unavailable: request refused (fail closed)', {
          check,
          error: error as Error,
        });
        throw new GuardUnavailableError(check, error);
      }
    },
  };
}
