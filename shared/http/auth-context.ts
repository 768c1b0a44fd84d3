/**
 * Reads the caller from the Lambda authorizer's simple-response context. The authorizer authorizes
 * any valid key and reports its role; the role is checked here, per route, because the authorizer's
 * answer is cached per key (300 s) and would otherwise leak from one route to another.
 */
import type { MiddlewareObj } from '@middy/core';
import { type ApiEvent, type AuthContext, parsedOf, type Role } from './api-event.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

/** The authenticated caller. @throws UnauthorizedError when the context is missing or malformed. */
export function readAuthContext(event: ApiEvent): AuthContext {
  const context = event.requestContext?.authorizer?.lambda;
  const merchantId = context?.merchantId;
  const role = context?.role;
  if (typeof merchantId !== 'string' || merchantId.length === 0 || (role !== 'merchant' && role !== 'ops')) {
    throw new UnauthorizedError();
  }
  return { merchantId, role };
}

/** Requires an authenticated caller of `role`; a valid key of another role answers 403. */
export function authContext(role: Role): MiddlewareObj<ApiEvent> {
  return {
    before: function authContextBefore(request) {
      const auth = readAuthContext(request.event);
      if (auth.role !== role) throw new ForbiddenError(`This route needs a ${role} key.`);
      parsedOf(request.event).auth = auth;
    },
  };
}
