/**
 * API Gateway HTTP API events in payload format 2.0, built the way AWS builds them: header names
 * lower-cased and duplicates comma-joined, cookies moved out of the headers into `cookies`, absent
 * collections omitted rather than empty, non-text bodies base64-encoded.
 */
import { randomBytes } from 'node:crypto';

/** A request as it came off the socket. */
export interface IncomingRequest {
  readonly method: string;
  /** Path as sent, without the query string, still percent-encoded. */
  readonly rawPath: string;
  readonly rawQueryString: string;
  /** Header name/value pairs in arrival order (Node's `rawHeaders`, paired). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
  readonly requestId: string;
  readonly timeEpoch: number;
}

export interface ApiContext {
  readonly apiId: string;
  readonly accountId: string;
  readonly region: string;
  readonly localPort: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the CLF time API Gateway puts in `requestContext.time`. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** An id shaped like API Gateway's (`JKJaXmPLvHcESHA=`). */
export function newRequestId(): string {
  return randomBytes(10).toString('base64');
}

/** Content types API Gateway passes as text; every other body (or one without a type) is base64. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

interface SharedParts {
  headers: Record<string, string>;
  cookies?: string[];
  queryStringParameters?: Record<string, string>;
}

function sharedParts(req: IncomingRequest, api: ApiContext): SharedParts {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [rawName, value] of req.headers) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  // API Gateway adds these on its way to the integration.
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${req.sourceIp}`
    : req.sourceIp;
  headers['x-forwarded-port'] = String(api.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(req.timeEpoch / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const parts: SharedParts = { headers };
  if (cookies.length > 0) parts.cookies = cookies;
  if (req.rawQueryString) {
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(req.rawQueryString)) {
      query[k] = k in query ? `${query[k]},${v}` : v;
    }
    parts.queryStringParameters = query;
  }
  return parts;
}

function requestContext(
  req: IncomingRequest,
  api: ApiContext,
  routeKey: string,
  headers: Record<string, string>,
) {
  // The Host the client used, port included, so handlers building links point back at this server.
  const domainName = headers.host ?? `127.0.0.1:${api.localPort}`;
  return {
    accountId: api.accountId,
    apiId: api.apiId,
    domainName,
    domainPrefix: domainName.split('.')[0] ?? domainName,
    http: {
      method: req.method,
      path: decodeURIComponentSafe(req.rawPath),
      protocol: req.protocol,
      sourceIp: req.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: req.requestId,
    routeKey,
    stage: '$default',
    time: clfTime(req.timeEpoch),
    timeEpoch: req.timeEpoch,
  };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The event a route's Lambda integration receives (payload format 2.0). */
export function buildHttpEvent(
  req: IncomingRequest,
  api: ApiContext,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
  authorizer: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const { headers, cookies, queryStringParameters } = sharedParts(req, api);
  const context: Record<string, unknown> = requestContext(req, api, routeKey, headers);
  if (authorizer) context.authorizer = authorizer;
  const isBase64Encoded = req.body.length > 0 && !isTextContentType(headers['content-type']);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
  };
  if (cookies) event.cookies = cookies;
  event.headers = headers;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  event.requestContext = context;
  if (req.body.length > 0)
    event.body = isBase64Encoded ? req.body.toString('base64') : req.body.toString('utf8');
  if (pathParameters) event.pathParameters = pathParameters;
  event.isBase64Encoded = isBase64Encoded;
  return event;
}
