/**
 * Building blocks of the request and response schemas. `zod/mini` rather than classic zod: the same
 * core and the same rules, written as functions and checks instead of methods, which lets esbuild drop
 * what a bundle does not use (classic zod with these schemas was ~99 KB of every validating bundle).
 */
import * as z from 'zod/mini';
import { isCurrency, MAX_AMOUNT } from '../domain/money.js';
import './locale.js';

/** A positive integer amount in minor units, at most 10^12 (contract: Conventions). */
export const amountSchema = z
  .number({ error: 'must be an integer number of minor units' })
  .check(
    z.int({ error: 'must be an integer number of minor units' }),
    z.positive({ error: 'must be positive' }),
    z.maximum(MAX_AMOUNT, { error: `must be at most ${MAX_AMOUNT}` }),
  );

/** Upper-case active ISO 4217 code. */
export const currencySchema = z
  .string({ error: 'must be an ISO 4217 currency code' })
  .check(
    z.regex(/^[A-Z]{3}$/, { error: 'must be an upper-case ISO 4217 code, e.g. USD' }),
    z.refine(isCurrency, { error: 'is not an active ISO 4217 currency' }),
  );

export const isoTimestamp = z.iso.datetime();

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

/**
 * The JSON Schema of schemas zod cannot describe itself (a `queryInteger` is a digit string piped into a
 * number; a `stringMap` is a custom check): the OpenAPI document describes them as what the client sends.
 */
export const DOCUMENTED_AS = new WeakMap<object, Record<string, unknown>>();

/** Lists: `limit` 1–100 (default 10). */
export const limitSchema = z._default(queryInteger(1, 100), 10);

export const cursorSchema = z.string().check(z.minLength(1), z.maxLength(2048));

export function listResponse<T extends z.ZodMiniType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.nullable(z.string()) });
}
