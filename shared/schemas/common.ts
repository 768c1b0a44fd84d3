/**
 * Building blocks of the request and response schemas. `zod/mini` rather than classic zod: the same
 * core and the same rules, written as functions and checks instead of methods, which lets esbuild drop
 * what a bundle does not use (classic zod with these schemas was ~99 KB of every validating bundle).
 */
import * as z from 'zod/mini';
import { isCurrency, MAX_AMOUNT } from '../domain/money.js';
import { queryInteger } from './query-integer.js';
import './locale.js';
import { defined } from './defined.js';

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

export const isoTimestamp = /* @__PURE__ */ defined(() => z.iso.datetime());

/** Lists: `limit` 1–100 (default 10). */
export const limitSchema = /* @__PURE__ */ defined(() => z._default(queryInteger(1, 100), 10));

export const cursorSchema = /* @__PURE__ */ defined(() =>
  z.string().check(z.minLength(1), z.maxLength(2048)),
);

export function listResponse<T extends z.ZodMiniType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.nullable(z.string()) });
}
