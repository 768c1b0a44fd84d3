/**
 * zod validation of bodies and query strings. Every issue becomes `{ path, message }` with a dotted
 * path (`customer.email`); an unknown key is reported at its own path, so a typo names itself.
 */
import type { MiddlewareObj } from '@middy/core';
import { safeParse } from 'zod/mini';
import type * as z from 'zod/v4/core';
import type { ProblemFieldError } from '../schemas/problem-catalogue.js';
import { type ApiEvent, parsedOf } from './api-event.js';
import { ValidationError } from './errors.js';

function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** Flattens zod issues into the problem `errors` array. */
export function fieldErrors(error: z.$ZodError): ProblemFieldError[] {
  const out: ProblemFieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: dotted([...issue.path, key]), message: 'is not a known field' });
    } else {
      out.push({ path: dotted(issue.path), message: issue.message });
    }
  }
  return out;
}

/**
 * Validates `value` against `schema`.
 * @throws ValidationError (400) naming every offending field.
 */
export function validate<S extends z.$ZodType>(
  schema: S,
  value: unknown,
  what: 'body' | 'query string',
): z.output<S> {
  const result = safeParse(schema, value);
  if (!result.success) throw new ValidationError(`The ${what} is not valid.`, fieldErrors(result.error));
  const dropped = droppedProtoKeys(value, result.data, []);
  if (dropped.length > 0) {
    throw new ValidationError(
      `The ${what} is not valid.`,
      dropped.map((path) => ({ path: dotted(path), message: 'is not a known field' })),
    );
  }
  return result.data;
}

/**
 * Paths of the `__proto__` keys the client sent that the parsed value no longer has. zod skips that key
 * name without validating it (a `z.record` accepts `{ "__proto__": … }` and drops it), so what a client
 * sent would be neither refused nor stored; a schema that keeps it (string-map.ts) passes.
 */
function droppedProtoKeys(input: unknown, output: unknown, path: PropertyKey[]): PropertyKey[][] {
  if (typeof input !== 'object' || input === null) return [];
  const out: PropertyKey[][] = [];
  if (Object.hasOwn(input, '__proto__')) {
    const kept = typeof output === 'object' && output !== null && Object.hasOwn(output, '__proto__');
    if (!kept) out.push([...path, '__proto__']);
  }
  for (const [key, child] of Object.entries(input)) {
    if (key === '__proto__' || typeof output !== 'object' || output === null) continue;
    const descriptor = Object.getOwnPropertyDescriptor(output, key);
    if (descriptor)
      out.push(
        ...droppedProtoKeys(child, descriptor.value, [...path, Array.isArray(input) ? Number(key) : key]),
      );
  }
  return out;
}

/** Validates `event.parsed.json` (see json-body.ts) into `event.parsed.body`. */
export function validateBody(schema: z.$ZodType): MiddlewareObj<ApiEvent> {
  return {
    before: function validateBodyBefore(request) {
      const parsed = parsedOf(request.event);
      parsed.body = validate(schema, parsed.json ?? {}, 'body');
    },
  };
}

/** Validates the query string parameters into `event.parsed.query`. */
export function validateQuery(schema: z.$ZodType): MiddlewareObj<ApiEvent> {
  return {
    before: function validateQueryBefore(request) {
      parsedOf(request.event).query = validate(
        schema,
        request.event.queryStringParameters ?? {},
        'query string',
      );
    },
  };
}
