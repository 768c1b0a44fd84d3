/**
 * The headers every API answer carries, success or problem: HSTS (two years, subdomains), no MIME
 * sniffing, and `Cache-Control: no-store`, since an answer of this API is a payment, a key or a secret
 * that no browser, proxy or CDN should keep. A handler that chose its own `Cache-Control` keeps it (none
 * does today: every answer is private and current).
 */
import type { MiddlewareObj } from '@middy/core';
import type { ApiResult } from './responses.js';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** `response` with the security headers added; a header the handler set (any case) is kept. */
export function withSecurityHeaders(response: ApiResult): ApiResult {
  const headers: Record<string, string | number | boolean> = { ...response.headers };
  const present = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!present.has(name.toLowerCase())) headers[name] = value;
  }
  return { ...response, headers };
}

/**
 * Adds the headers to the handler's answer (`after`) and to the problem `problemErrors` made of an
 * error (`onError`: used before `problemErrors`, so middy runs it after that middleware's `onError`).
 */
export function securityHeaders(): MiddlewareObj<unknown, ApiResult> {
  const apply = (request: { response?: ApiResult | null }) => {
    if (request.response) request.response = withSecurityHeaders(request.response);
  };
  return {
    after: function securityHeadersAfter(request) {
      apply(request);
    },
    onError: function securityHeadersOnError(request) {
      apply(request);
    },
  };
}
