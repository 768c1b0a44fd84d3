import * as z from 'zod';
import { isCurrency, MAX_AMOUNT } from '../domain/money.js';

/** A positive integer amount in minor units, at most 10^12 (contract: Conventions). */
export const amountSchema = z
  .number({ error: 'must be an integer number of minor units' })
  .int({ error: 'must be an integer number of minor units' })
  .positive({ error: 'must be positive' })
  .max(MAX_AMOUNT, { error: `must be at most ${MAX_AMOUNT}` });

/** Upper-case active ISO 4217 code. */
export const currencySchema = z
  .string({ error: 'must be an ISO 4217 currency code' })
  .regex(/^[A-Z]{3}$/, { error: 'must be an upper-case ISO 4217 code, e.g. USD' })
  .refine(isCurrency, { error: 'is not an active ISO 4217 currency' });

export const isoTimestamp = z.iso.datetime();

/** Lists: `limit` 1–100 (default 10). */
export const limitSchema = z.coerce
  .number({ error: 'must be an integer from 1 to 100' })
  .int({ error: 'must be an integer from 1 to 100' })
  .min(1, { error: 'must be an integer from 1 to 100' })
  .max(100, { error: 'must be an integer from 1 to 100' })
  .default(10);

export const cursorSchema = z.string().min(1).max(2048);

export function listResponse<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
