/**
 * The contract of core's `settlement-lines` function: a page of a merchant's settlement line items (the
 * payments and refunds that showed `succeeded` in a window of commit times, GSI2 of core), for settlement,
 * which no longer reads core's index. Settlement (settle-merchant, the settlement CSV) pages with the
 * answer's cursor until it is null: one invoke a page, thousands of line items each.
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';

/** Line items a page holds unless the request asks fewer: ~130 bytes of JSON each, far under 6 MB. */
export const SETTLEMENT_LINES_PAGE = 5_000;
export const SETTLEMENT_LINES_MAX_PAGE = 10_000;

export const settlementLinesRequestSchema = /* @__PURE__ */ defined(() =>
  z.object({
    merchantId: z.string().check(z.minLength(1)),
    /** [from, to): commit times, ISO 8601 (from may be '0', before every time). */
    from: z.string().check(z.minLength(1)),
    to: z.string().check(z.minLength(1)),
    /** The previous answer's cursor; absent for the first page. */
    cursor: z.optional(z.string().check(z.minLength(1))),
    limit: z.optional(z.int().check(z.minimum(1), z.maximum(SETTLEMENT_LINES_MAX_PAGE))),
  }),
);
export type SettlementLinesRequest = z.infer<typeof settlementLinesRequestSchema>;

export const settlementLineSchema = /* @__PURE__ */ defined(() =>
  z.object({
    type: z.enum(['payment', 'refund']),
    id: z.string().check(z.minLength(1)),
    amount: z.int().check(z.minimum(1)),
    currency: z.string().check(z.length(3)),
    /** When it succeeded (the payment's or refund's `outcomeAt`). */
    occurredAt: z.string(),
    /** Absent on items recorded before line items carried their channel. */
    channel: z.optional(z.string()),
  }),
);

export const settlementLinesAnswerSchema = /* @__PURE__ */ defined(() =>
  z.object({
    items: z.array(settlementLineSchema),
    /** Where the next page starts; null when there is none. */
    cursor: z.nullable(z.string()),
  }),
);
export type SettlementLinesAnswer = z.infer<typeof settlementLinesAnswerSchema>;
