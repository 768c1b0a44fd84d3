/**
 * The contract of risk's `held-payments` function: a page of the payments of a merchant held out of
 * settlement now (risk's hold registry, `HOLD#<merchant>`: a payment with at least one hold reason), for
 * settlement, which no longer reads risk's items. settle-merchant pages with the answer's cursor until it
 * is null: one invoke a page, usually one page (a merchant's holds are its reviews and open discrepancies).
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';

/** Payment ids a page holds unless the request asks fewer: ~35 bytes of JSON each, far under 6 MB. */
export const HELD_PAYMENTS_PAGE = 5_000;
export const HELD_PAYMENTS_MAX_PAGE = 10_000;

export const heldPaymentsRequestSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    merchantId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
    /** The previous answer's cursor; absent for the first page. */
    cursor: z.optional(z.string().check(z.minLength(1))),
    limit: z.optional(z.int().check(z.minimum(1), z.maximum(HELD_PAYMENTS_MAX_PAGE))),
  }),
);
export type HeldPaymentsRequest = z.infer<typeof heldPaymentsRequestSchema>;

export const heldPaymentsAnswerSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    /** The ids of the payments held now, whatever holds them (each once). */
    items: z.array(z.string().check(z.minLength(1))),
    /** Where the next page starts; null when there is none. */
    cursor: z.nullable(z.string()),
  }),
);
export type HeldPaymentsAnswer = z.infer<typeof heldPaymentsAnswerSchema>;
