/**
 * The HTTP API (payload 2.0) event as our handlers see it, plus what the middlewares parsed from it.
 * Middlewares write into `event.parsed`; handlers read it through `apiHandler` (api-handler.ts).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export type Role = 'merchant' | 'ops';

/** Who is calling, from the Lambda authorizer's simple-response context. */
export interface AuthContext {
  readonly merchantId: string;
  readonly role: Role;
  /** The API key's id (`key_…`); absent for the seeded ops key. */
  readonly keyId?: string;
}

export interface ParsedRequest {
  auth?: AuthContext;
  /** The JSON body as parsed, before validation (`{}` when no body was sent). */
  json?: unknown;
  /** The body after schema validation (defaults applied). */
  body?: unknown;
  query?: unknown;
  /** The path parameters, each checked against its route's pattern. */
  path?: Record<string, string>;
  idempotencyKey?: string;
}

export type ApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { lambda?: Record<string, unknown> | null } | null;
  };
  parsed?: ParsedRequest;
};

/** Header lookup that does not depend on case (API Gateway lower-cases, tests and proxies may not). */
export function header(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const headers = event.headers ?? {};
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** The raw body bytes, decoding API Gateway's base64 transport encoding when it was used. */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

export function parsedOf(event: ApiEvent): ParsedRequest {
  event.parsed ??= {};
  return event.parsed;
}
