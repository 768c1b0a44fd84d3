/**
 * Maps a Lambda result to the HTTP response, following API Gateway's payload 2.0 rules: a result
 * with `statusCode` is a structured response; anything else is a 200 `application/json` whose body is
 * the result (a string as is, other values as JSON). A malformed structured response is a 500.
 */

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** API Gateway's own error answers, body and all (`{"message":"Not Found"}` and friends). */
export function gatewayError(statusCode: number, message: string): HttpResponse {
  return {
    statusCode,
    headers: [['content-type', 'application/json']],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

export const INTERNAL_SERVER_ERROR = (): HttpResponse => gatewayError(500, 'Internal Server Error');

function scalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** The HTTP response for `payload`, or `undefined` when API Gateway would reject it (→ 500). */
export function mapLambdaResult(payload: unknown): HttpResponse | undefined {
  const structured =
    payload !== null && typeof payload === 'object' && !Array.isArray(payload) && 'statusCode' in payload;
  if (!structured) {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) };
  }
  const r = payload as Record<string, unknown>;
  const statusCode = typeof r.statusCode === 'string' ? Number(r.statusCode) : r.statusCode;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  const headers: Array<[string, string]> = [];
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object') return undefined;
    for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
      if (!scalar(value)) return undefined;
      headers.push([name.toLowerCase(), String(value)]);
    }
  }
  if (r.cookies !== undefined && r.cookies !== null) {
    if (!Array.isArray(r.cookies) || !r.cookies.every((c) => typeof c === 'string')) return undefined;
    for (const cookie of r.cookies as string[]) headers.push(['set-cookie', cookie]);
  }
  let body = Buffer.alloc(0);
  if (r.body !== undefined && r.body !== null) {
    if (typeof r.body !== 'string') return undefined;
    body = r.isBase64Encoded === true ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
  }
  return { statusCode, headers, body };
}
