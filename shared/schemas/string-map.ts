/**
 * A client's map of strings (payment `metadata`). `z.record` cannot be used for it: it skips a
 * `__proto__` key without validating it (so `{ "__proto__": {…} }` passed with the key silently
 * dropped) and builds its output with `out[key] = value` (so even a string-valued `__proto__` was lost).
 * This schema checks every own key the client sent, whatever its name, and answers a copy built with
 * `Object.fromEntries`, whose keys are own data properties: `constructor`, `__proto__`, `toString` stay
 * ordinary keys. Storing such a map is store/client-map.ts's concern.
 */
import * as z from 'zod/mini';
import { DOCUMENTED_AS } from './documented.js';
import './locale.js';

/** Bounds of a map a client sends; a map we answer has none (it holds what was accepted). */
export interface StringMapOptions {
  readonly maxKeys?: number;
  readonly maxKeyLength?: number;
  readonly maxValueLength?: number;
  /** The message when the value is not an object at all. */
  readonly error: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object of at most `maxKeys` string values, keys 1–`maxKeyLength` characters. */
export function stringMap(options: StringMapOptions) {
  const { error } = options;
  const maxKeys = options.maxKeys ?? Number.POSITIVE_INFINITY;
  const maxKeyLength = options.maxKeyLength ?? Number.POSITIVE_INFINITY;
  const maxValueLength = options.maxValueLength ?? Number.POSITIVE_INFINITY;
  const schema = z.pipe(
    z.custom<Record<string, unknown>>(isObject, { error }),
    z.transform((input: Record<string, unknown>, ctx) => {
      const entries = Object.entries(input);
      const issue = (message: string, path: string[]) =>
        ctx.issues.push({ code: 'custom', message, input, path });
      for (const [key, value] of entries) {
        if (key.length < 1 || key.length > maxKeyLength)
          issue(`keys must be 1 to ${maxKeyLength} characters`, [key]);
        if (typeof value !== 'string')
          issue(`Invalid input: expected string, received ${describe(value)}`, [key]);
        else if (value.length > maxValueLength) issue(`must be at most ${maxValueLength} characters`, [key]);
      }
      if (entries.length > maxKeys) issue(`at most ${maxKeys} keys`, []);
      return Object.fromEntries(entries) as Record<string, string>;
    }),
  );
  DOCUMENTED_AS.set(schema, {
    type: 'object',
    propertyNames: { type: 'string', minLength: 1, ...bound('maxLength', options.maxKeyLength) },
    additionalProperties: { type: 'string', ...bound('maxLength', options.maxValueLength) },
    ...bound('maxProperties', options.maxKeys),
  });
  return schema;
}

function bound(name: string, value: number | undefined): Record<string, number> {
  return value === undefined ? {} : { [name]: value };
}

/** zod's own wording for a value of the wrong type (`received number`). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
