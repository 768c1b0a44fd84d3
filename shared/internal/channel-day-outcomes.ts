/**
 * The contract of core's `channel-day-outcomes` function: a page of a channel-day's applied outcomes (the
 * payments and refunds whose outcome the channel reported that UTC day, GSI3 of core), for reconciliation,
 * which no longer reads core's index. A run pages with the answer's cursor until it is null: one invoke a
 * page, thousands of outcomes each.
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';

/** Outcomes a page holds unless the request asks fewer: ~150 bytes of JSON each, far under 6 MB. */
export const CHANNEL_DAY_OUTCOMES_PAGE = 5_000;
export const CHANNEL_DAY_OUTCOMES_MAX_PAGE = 10_000;

export const channelDayOutcomesRequestSchema = /* @__PURE__ */ defined(() =>
  z.object({
    channel: z.string().check(z.minLength(1)),
    /** The UTC day of the channel's `occurredAt` (the statement the outcome is on). */
    date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
    /** The previous answer's cursor; absent for the first page. */
    cursor: z.optional(z.string().check(z.minLength(1))),
    limit: z.optional(z.int().check(z.minimum(1), z.maximum(CHANNEL_DAY_OUTCOMES_MAX_PAGE))),
  }),
);
export type ChannelDayOutcomesRequest = z.infer<typeof channelDayOutcomesRequestSchema>;

/** What a run compares of one applied outcome (domain/reconciliation/expectations.ts `Expectation`). */
export const channelDayOutcomeSchema = /* @__PURE__ */ defined(() =>
  z.object({
    type: z.enum(['payment', 'refund']),
    /** Our id (`pay_…`, `re_…`). */
    reference: z.string().check(z.minLength(1)),
    channelReference: z.nullable(z.string()),
    amount: z.int(),
    currency: z.string(),
    status: z.enum(['succeeded', 'failed']),
  }),
);

export const channelDayOutcomesAnswerSchema = /* @__PURE__ */ defined(() =>
  z.object({
    items: z.array(channelDayOutcomeSchema),
    /** Where the next page starts; null when there is none. */
    cursor: z.nullable(z.string()),
  }),
);
export type ChannelDayOutcomesAnswer = z.infer<typeof channelDayOutcomesAnswerSchema>;
