/**
 * Integers in query strings. Its own module, apart from common.ts, so a bundle that parses one (the
 * dead-letter peek) does not take the currency tables with it.
 */
import * as z from 'zod/mini';
import { DOCUMENTED_AS } from './documented.js';
import './locale.js';

/**
 * An integer from the query string, `min`–`max`. Only plain decimal digits: a coerced number would take
 * `0x10`, `1e1`, ` 16 ` or `+16` as 16, so two spellings of a request would mean the same thing and a
 * client's mistake would pass silently. The length bound keeps a huge digit string from being parsed.
 */
export function queryInteger(min: number, max: number, error = `must be an integer from ${min} to ${max}`) {
  const schema = z.pipe(
    z.string({ error }).check(z.regex(/^[0-9]{1,15}$/, { error })),
    z.pipe(
      z.transform((digits: string) => Number(digits)),
      z.number().check(z.int({ error }), z.minimum(min, { error }), z.maximum(max, { error })),
    ),
  );
  DOCUMENTED_AS.set(schema, { type: 'integer', minimum: min, maximum: max });
  return schema;
}
