/**
 * HTTP API Lambda authorizer (REQUEST, simple responses): `Authorization: Bearer <key>` → SHA-256 →
 * API key item → `{ isAuthorized, context: { merchantId, role } }`. It authorizes any valid key and
 * reports the role; each route checks the role it needs (auth-context.ts), because API Gateway caches
 * this answer per key, not per route.
 *
 * An unknown or malformed key is *allowed through* as `role: "anonymous"` and refused by the route
 * with a 401 problem+json (auth-context.ts). Why: an HTTP API cannot customise the authorizer's own
 * refusal, which is a 403 `{"message":"Forbidden"}`, while the contract says a wrong key is a 401
 * problem. The handler refuses before any other work, so the price is one short invocation per bad
 * request. (A request with no Authorization header at all never reaches this function while the
 * header is the identity source: API Gateway answers 401 `{"message":"Unauthorized"}` itself.)
 */
import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { header } from '../../shared/http/api-event.js';
import { injectLambdaContext, logger } from '../../shared/http/logger.js';
import { resolveApiKey } from '../../shared/store/api-keys.js';

const env = loadEnv(tableEnvSchema);
const client = dynamoDbClient();

type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<{ merchantId: string; role: string }>;

/** Passed to the route, which answers 401 problem+json (see above). */
const ANONYMOUS: AuthorizerResult = { isAuthorized: true, context: { merchantId: '', role: 'anonymous' } };
const BEARER = /^Bearer\s+(\S{1,512})\s*$/i;

export const handler = middy<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const match = BEARER.exec(header({ headers: event.headers ?? {} }, 'authorization') ?? '');
    if (!match?.[1]) return ANONYMOUS;
    const record = await resolveApiKey(client, env.TABLE_NAME, match[1]);
    if (!record) {
      logger.info('unknown API key', { routeKey: event.routeKey });
      return ANONYMOUS;
    }
    return { isAuthorized: true, context: { merchantId: record.merchantId, role: record.role } };
  });
