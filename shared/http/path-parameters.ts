/**
 * Path parameters are checked once, for every route, before any handler code reads them: an id that
 * cannot be one of ours answers 404 exactly like a missing object, instead of reaching DynamoDB as a
 * key over its size limit (a 500 ValidationException) or as a key that could never match. Routes
 * declare a pattern per parameter (`path` in api-handler.ts); a parameter a route did not declare is
 * still held to the generic id shape, so no route is left unchecked. Patterns are RegExps rather than
 * zod schemas: bundles that validate nothing else stay without zod.
 */
import type { MiddlewareObj } from '@middy/core';
import { type ApiEvent, parsedOf } from './api-event.js';
import { NotFoundError } from './errors.js';

/** What every id we issue looks like (`pay_…`, `dsc_sandbox_20260301_…`): short, URL-safe ASCII. */
export const PATH_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** An id of ours with its prefix (`pay_`, `we_`, …); the rest is the generic id shape. */
export function prefixedId(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[A-Za-z0-9_-]{1,${127 - prefix.length}}$`);
}

/** Merchant ids are ours (`m_…`): anything else names no merchant. */
export const MERCHANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type PathPatterns = Readonly<Record<string, RegExp>>;

/**
 * The parameters of `pathParameters` that do not match their pattern (the route's, else `PATH_ID`);
 * empty when every one is well formed.
 */
export function malformedPathParameters(
  parameters: Readonly<Record<string, string | undefined>> | null | undefined,
  patterns: PathPatterns = {},
): string[] {
  const malformed: string[] = [];
  for (const [name, value] of Object.entries(parameters ?? {})) {
    const pattern = (Object.hasOwn(patterns, name) ? patterns[name] : undefined) ?? PATH_ID;
    if (typeof value !== 'string' || !pattern.test(value)) malformed.push(name);
  }
  return malformed;
}

/** Refuses (404) a request whose path names something that cannot exist; records the checked values. */
export function pathParameters(patterns: PathPatterns = {}): MiddlewareObj<ApiEvent> {
  return {
    before: function pathParametersBefore(request) {
      const { event } = request;
      const [name] = malformedPathParameters(event.pathParameters, patterns);
      // The value is not echoed: it may be kilobytes long, and it names nothing anyway.
      if (name !== undefined) throw new NotFoundError(`No such ${name}: it is not an id this API issues.`);
      parsedOf(event).path = { ...event.pathParameters } as Record<string, string>;
    },
  };
}
