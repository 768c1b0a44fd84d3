/**
 * Authenticates the caller of a route from its `Authorization: Bearer <api key>` header and checks the
 * role the route needs. A missing, malformed, unknown, revoked or expired key answers 401 problem+json;
 * a key of a suspended merchant 403 `merchant-suspended` (whatever the route: the merchant learns why);
 * a valid key of another role (an ops key on a merchant route) 403 `forbidden`.
 */
import type { MiddlewareObj } from '@middy/core';
import { type ApiEvent, type AuthContext, header, parsedOf, type Role } from './api-event.js';
import { apiKeyResolver } from './api-key-resolver.js';
import { ForbiddenError, MerchantSuspendedError, UnauthorizedError } from './errors.js';

const BEARER = /^Bearer +(\S{1,512}) *$/i;

/**
 * The authenticated caller (`keyId` when the key has one).
 * @throws UnauthorizedError when the key is missing, malformed, unknown, revoked or expired;
 * MerchantSuspendedError when its merchant is suspended.
 */
export async function authenticate(event: ApiEvent): Promise<AuthContext> {
  const match = BEARER.exec(header(event, 'authorization') ?? '');
  if (!match?.[1]) throw new UnauthorizedError();
  const record = await apiKeyResolver()(match[1]);
  if (!record) throw new UnauthorizedError();
  if (record.merchantSuspended) throw new MerchantSuspendedError();
  return {
    merchantId: record.merchantId,
    role: record.role,
    ...(record.keyId !== undefined ? { keyId: record.keyId } : {}),
  };
}

/** Requires an authenticated caller of `role`. */
export function authContext(role: Role): MiddlewareObj<ApiEvent> {
  return {
    before: async function authContextBefore(request) {
      const auth = await authenticate(request.event);
      if (auth.role !== role) throw new ForbiddenError(`This route needs a ${role} key.`);
      parsedOf(request.event).auth = auth;
    },
  };
}
