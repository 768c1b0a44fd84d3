import * as z from 'zod/mini';
import { PAYMENT_STATUSES, type PaymentStatus } from '../domain/payment.js';
import type { PaymentToCheck } from '../domain/risk/before.js';

/**
 * What this consumer needs of a PaymentCreated detail (a subset of shared/schemas/events.ts; unknown
 * fields ignored). Its consumer-side contract (shared/events/catalogue.ts): a producer that drops or
 * renames one of the required fields fails test/unit/events/contracts.test.ts.
 *
 * The payment is scored on what the event carries of it (what the score, the counters and the summary
 * read never changes after create), so the consumer does not read core's item; its status is the one the
 * decision's effect is planned for, and core re-plans the effect on the payment as it is when it writes.
 *
 * Every field the score reads is required. Every PaymentCreated the outbox ever published carries them
 * (the whole payment object, `paymentFromItem`, since the first event backbone: amount, currency, status,
 * createdAt, customer (null when none) and metadata), so an event without one is not ours or is broken.
 * It is refused, not scored: scoring a payment on guessed fields (no customer, so no blocklist match)
 * could approve what the merchant's rules reject, and risk may not read core's item to fill them in. The
 * refused message fails, is retried, and ends in the risk DLQ, where ops see it.
 */
export const riskDetailSchema = z.object({
  eventId: z.string().check(z.minLength(1)),
  merchantId: z.string(),
  data: z.object({
    payment: z.object({
      id: z.string().check(z.startsWith('pay_')),
      amount: z.number(),
      currency: z.string().check(z.minLength(1)),
      status: z.enum(PAYMENT_STATUSES),
      createdAt: z.string().check(z.minLength(1)),
      customer: z.nullable(
        z.object({
          id: z.optional(z.string()),
          email: z.optional(z.string()),
          ip: z.optional(z.string()),
          country: z.optional(z.string()),
        }),
      ),
      metadata: z.record(z.string(), z.string()),
    }),
  }),
});

/** What the assessment reads of a payment: what its PaymentCreated carries. */
export interface PaymentToAssess {
  readonly id: string;
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly createdAt: string;
  /** The customer as the before-checks see it (domain/risk/before.ts). */
  readonly customer?: PaymentToCheck['customer'];
  readonly metadata: Readonly<Record<string, string>>;
}

/** The payment as the event carries it. */
export function paymentOfEvent(detail: z.infer<typeof riskDetailSchema>): PaymentToAssess {
  const { id, amount, currency, status, createdAt, customer, metadata } = detail.data.payment;
  return { id, merchantId: detail.merchantId, amount, currency, status, createdAt, customer, metadata };
}
