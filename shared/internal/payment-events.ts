/**
 * The contract of core's `payment-events` function: a page of a payment's events (its own and its
 * refunds', oldest first, as the bus carried them), derived by core from the payment's partition, which
 * it owns (shared/events/timeline.ts). For the ops timeline route GET /v1/ops/payments/{id}/events, served
 * by risk's review function, which no longer reads core's items: one invoke per request, the route's
 * paging passed through so an answer holds at most a page (≤ 100 events, far under Lambda's 6 MB).
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';
import { paymentEventSchema } from '../schemas/ops.js';
import { type InternalReader, internalReader } from './reader.js';

/** Events a page holds at most: the route's own limit (shared/schemas/common.ts `limitSchema`). */
export const PAYMENT_EVENTS_MAX_PAGE = 100;

export const paymentEventsRequest = /* @__PURE__ */ defined(() =>
  z.strictObject({
    /** Any id the route accepts: one core never issued is answered `not_found`, as a missing payment. */
    paymentId: z.string().check(z.regex(/^pay_[A-Za-z0-9_-]{1,123}$/)),
    /**
     * The event the previous page ended at (from the route's cursor, which the route checked was issued
     * for this payment); absent for the first page. One that is not this payment's is `unknown_cursor`.
     */
    after: z.optional(z.string().check(z.maxLength(2048))),
    limit: z.int().check(z.minimum(1), z.maximum(PAYMENT_EVENTS_MAX_PAGE)),
  }),
);
export type PaymentEventsRequest = z.infer<typeof paymentEventsRequest>;

export const paymentEventsAnswer = /* @__PURE__ */ defined(() =>
  z.discriminatedUnion('outcome', [
    /** No such payment (of any merchant: the route is ops'). */
    z.strictObject({ outcome: z.literal('not_found') }),
    /** `after` names no event of this payment. */
    z.strictObject({ outcome: z.literal('unknown_cursor') }),
    z.strictObject({
      outcome: z.literal('page'),
      /** At most `limit` events after `after`, oldest first. */
      data: z.array(paymentEventSchema),
      /** Whether events follow the last one of `data`. */
      more: z.boolean(),
    }),
  ]),
);
export type PaymentEventsAnswer = z.infer<typeof paymentEventsAnswer>;

export type PaymentEventsReader = InternalReader<PaymentEventsRequest, PaymentEventsAnswer>;

export const invokePaymentEvents = (functionArn: string | undefined): PaymentEventsReader =>
  internalReader(paymentEventsRequest, paymentEventsAnswer, functionArn);
