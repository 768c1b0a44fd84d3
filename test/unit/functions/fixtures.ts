/** API Gateway HTTP API (payload 2.0) events and a Lambda context for handler tests. */
import type { Context } from 'aws-lambda';
import type { ApiEvent } from '../../../shared/http/api-event.js';
import { setApiKeyResolver } from '../../../shared/http/api-key-resolver.js';
import { setFlowLimiter } from '../../../shared/http/rate-limit.js';
import { setSigningRequirementReader } from '../../../shared/http/request-signing.js';
import { setUsageSink } from '../../../shared/http/usage-meter.js';

/**
 * Handler tests authenticate with keys of the form `test|<merchantId>|<role>`, resolved without
 * DynamoDB so that each test's SDK mock sees only the calls of the route under test.
 */
setApiKeyResolver(async (apiKey) => {
  const [prefix, merchantId, role] = apiKey.split('|');
  if (prefix !== 'test' || !merchantId || (role !== 'merchant' && role !== 'ops')) return undefined;
  return { merchantId, role };
});
/** No test merchant signs its requests (test/unit/http/request-signing.test.ts covers those that do). */
setSigningRequirementReader(async () => ({ required: false }));

// Usage lines are the metering tests' business (test/unit/http/usage-meter.test.ts), not noise on stdout.
setUsageSink(() => {});
// Flow control has its own tests (test/unit/http/rate-limit.test.ts): here every request is admitted.
setFlowLimiter({ admit: async () => ({ admitted: true }) });

export const context = { awsRequestId: 'req-1', functionName: 'test' } as Context;

export interface EventOptions {
  method?: string;
  path?: string;
  routeKey?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  auth?: { merchantId: string; role: string } | null;
}

export function apiEvent(o: EventOptions = {}): ApiEvent {
  const method = o.method ?? 'POST';
  const path = o.path ?? '/v1/payments';
  return {
    version: '2.0',
    routeKey: o.routeKey ?? `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(o.query ?? {}).toString(),
    headers: {
      ...(o.auth === null
        ? {}
        : { authorization: `Bearer test|${o.auth?.merchantId ?? 'm_1'}|${o.auth?.role ?? 'merchant'}` }),
      ...o.headers,
    },
    queryStringParameters: o.query,
    pathParameters: o.pathParameters,
    body: o.body,
    isBase64Encoded: o.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: o.routeKey ?? `${method} ${path}`,
      stage: '$default',
      time: '01/Jan/2030:00:00:00 +0000',
      timeEpoch: 1_893_456_000_000,
    },
  } as ApiEvent;
}

export const jsonHeaders = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  ...extra,
});

export function problemOf(result: { statusCode: number; headers?: Record<string, unknown>; body?: string }) {
  assertProblemContentType(result.headers);
  return JSON.parse(result.body ?? '{}') as {
    type: string;
    status: number;
    detail: string;
    errors?: unknown[];
  };
}

function assertProblemContentType(headers: Record<string, unknown> | undefined) {
  if (headers?.['Content-Type'] !== 'application/problem+json') {
    throw new Error(`expected application/problem+json, got ${String(headers?.['Content-Type'])}`);
  }
}
