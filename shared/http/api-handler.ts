/**
 * Composes the middlewares every API handler needs, in the order the checks must happen:
 * logger context → usage metering (keyed routes: sees every answer) → security headers (on every answer)
 * → problem+json errors → auth (401/403; 503 when the key store cannot be read) → flow control (429,
 * merchant keys only; fails open) → request signature of merchants that sign (401; 503 likewise) → path
 * parameters (404) → Idempotency-Key (400) → JSON body (415/400) → card data in the body or query (400) →
 * body and query validation (400). The handler function then only maps a validated request to a store call
 * and a response.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/v4/core';
import { type ApiEvent, type AuthContext, parsedOf, type Role } from './api-event.js';
import { authContext } from './auth-context.js';
import { refuseCardData } from './card-data.js';
import { UnauthorizedError } from './errors.js';
import { failClosed } from './fail-closed.js';
import { idempotencyKey } from './idempotency-key.js';
import { jsonBody } from './json-body.js';
import { injectLambdaContext, logger } from './logger.js';
import { type PathPatterns, pathParameters } from './path-parameters.js';
import { problemErrors } from './problem-errors.js';
import { rateLimit } from './rate-limit.js';
import { requestSigning } from './request-signing.js';
import type { ApiResult } from './responses.js';
import { securityHeaders } from './security-headers.js';
import { usageMeter } from './usage-meter.js';
import { validateBody, validateQuery } from './validation.js';

export interface ApiRequest<B, Q> {
  readonly event: ApiEvent;
  /** The caller; only present on authenticated routes. */
  readonly auth: AuthContext;
  readonly body: B;
  readonly query: Q;
  /** The path parameters, each matching its declared pattern (or the generic id shape). */
  readonly params: Readonly<Record<string, string>>;
  /** Present when the route requires the header. */
  readonly idempotencyKey: string;
  /** `METHOD /raw/path`, the part of the request fingerprint that names the route. */
  readonly method: string;
  readonly path: string;
}

export interface ApiHandlerOptions<B, Q> {
  /** Role the caller must hold; omit for public routes. */
  readonly role?: Role;
  readonly idempotencyKey?: boolean;
  readonly body?: z.$ZodType<B>;
  readonly query?: z.$ZodType<Q>;
  /**
   * The pattern of each path parameter (`{ id: prefixedId('pay') }`); one that does not match answers
   * 404. Undeclared parameters are held to the generic id shape (path-parameters.ts).
   */
  readonly path?: PathPatterns;
}

/** Builds a middy-wrapped API Gateway v2 handler. */
export function apiHandler<B = undefined, Q = undefined>(
  options: ApiHandlerOptions<B, Q>,
  fn: (request: ApiRequest<B, Q>) => Promise<ApiResult>,
) {
  const chain = middy<ApiEvent, ApiResult, Error, Context>().use(injectLambdaContext(logger));
  // Keyed routes only: health and channel callbacks are nobody's usage.
  if (options.role) chain.use(usageMeter());
  chain.use(securityHeaders()).use(problemErrors());
  if (options.role) chain.use(failClosed('api-key', authContext(options.role))).use(rateLimit());
  if (options.role === 'merchant') chain.use(failClosed('request-signing', requestSigning()));
  chain.use(pathParameters(options.path));
  if (options.idempotencyKey) chain.use(idempotencyKey());
  if (options.body) chain.use(jsonBody());
  // What a keyed route parses; a channel callback's body and query are the channel's, not free text.
  if (options.role && (options.body || options.query)) chain.use(refuseCardData(Boolean(options.query)));
  if (options.body) chain.use(validateBody(options.body));
  if (options.query) chain.use(validateQuery(options.query));
  return chain.handler(async (event: ApiEvent) => {
    const parsed = parsedOf(event);
    const request: ApiRequest<B, Q> = {
      event,
      get auth(): AuthContext {
        if (!parsed.auth) throw new UnauthorizedError();
        return parsed.auth;
      },
      body: parsed.body as B,
      query: parsed.query as Q,
      params: parsed.path ?? {},
      idempotencyKey: parsed.idempotencyKey ?? '',
      method: event.requestContext?.http?.method ?? 'GET',
      path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    };
    return fn(request);
  });
}
