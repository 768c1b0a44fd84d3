/**
 * Usage (contract: "Merchants, API keys and gateway controls", usage metering): the ops usage route's
 * query and answer. Days are UTC `yyyy-mm-dd`; a range holds at most MAX_USAGE_DAYS days, so one answer
 * stays small (days × routes rows) and its read bounded.
 */
import * as z from 'zod/mini';
import { isDay } from '../domain/reconciliation/day.js';
import './locale.js';

/** A quarter and a bit: enough for any month or quarter of usage in one read. */
export const MAX_USAGE_DAYS = 93;

const DAY_ERROR = 'must be a UTC day, yyyy-mm-dd';
const daySchema = z.string({ error: DAY_ERROR }).check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: DAY_ERROR }),
  z.refine((d) => isDay(d), { error: 'must be a day of the calendar' }),
);

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The range a query stands for, defaults applied: `to` today, `from` the first day of `to`'s month. */
export function usageRange(
  query: { from?: string; to?: string },
  now = new Date(),
): { from: string; to: string } {
  const to = query.to ?? now.toISOString().slice(0, 10);
  const from = query.from ?? `${to.slice(0, 8)}01`;
  return { from, to };
}

/**
 * `GET /v1/ops/merchants/{merchantId}/usage?from=&to=`: `to` defaults to today (UTC), `from` to the first day
 * of `to`'s month; the range, defaults applied, must run forwards and hold at most MAX_USAGE_DAYS days.
 */
export const usageQuery = z.strictObject({ from: z.optional(daySchema), to: z.optional(daySchema) }).check(
  z.superRefine((q, ctx) => {
    // A day that is not one already has its issue.
    if ([q.from, q.to].some((d) => d !== undefined && !isDay(d))) return;
    const { from, to } = usageRange(q);
    const path = [q.from === undefined ? 'to' : 'from'];
    if (from > to) ctx.issues.push({ code: 'custom', message: 'must not be after to', path, input: from });
    else if (daysBetween(from, to) > MAX_USAGE_DAYS)
      ctx.issues.push({
        code: 'custom',
        message: `must be at most ${MAX_USAGE_DAYS} days before to`,
        path,
        input: from,
      });
  }),
);
export type UsageQuery = z.infer<typeof usageQuery>;

const count = z.number().check(z.int(), z.minimum(0));

export const usageRowSchema = z.object({
  date: z.string(),
  route: z.string(),
  requests: count,
  errors: count,
});

export const usageResponseSchema = z.object({
  merchantId: z.string(),
  from: z.string(),
  to: z.string(),
  data: z.array(usageRowSchema),
  totals: z.object({ requests: count, errors: count }),
});
