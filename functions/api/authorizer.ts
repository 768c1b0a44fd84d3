/**
 * HTTP API Lambda authorizer (REQUEST, simple responses): `Authorization: Bearer <key>` → SHA-256 →
 * API key item → `{ isAuthorized, context: { merchantId, role } }`. It authorizes any valid key and
 * reports the role; each route checks the role it needs (auth-context.ts), because API Gateway caches
 * this answer per key, not per route.
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

const DENY: AuthorizerResult = { isAuthorized: false, context: { merchantId: '', role: '' } };
const BEARER = /^Bearer\s+(\S{1,512})\s*$/i;

export const handler = middy<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const match = BEARER.exec(header({ headers: event.headers ?? {} }, 'authorization') ?? '');
    if (!match?.[1]) return DENY;
    const record = await resolveApiKey(client, env.TABLE_NAME, match[1]);
    if (!record) {
      logger.info('unknown API key', { routeKey: event.routeKey });
      return DENY;
    }
    return { isAuthorized: true, context: { merchantId: record.merchantId, role: record.role } };
  });
