import * as z from 'zod/mini';
import { PAYMENT_STATUSES, type PaymentStatus } from '../domain/payment.js';

/**
 * What this consumer needs of a PaymentCreated detail (a subset of shared/schemas/events.ts; unknown
 * fields ignored). Its consumer-side contract (shared/events/catalogue.ts): a producer that drops or
 * renames one of the required fields fails test/unit/events/contracts.test.ts.
 *
 * The payment is scored on what the event carries of it (what the score, the counters and the summary
 * read never changes after create), so the consumer does not read core's item; its status is the one the
 * decision's effect is planned for, and core re-plans the effect on the payment as it is when it writes.
 * An event without those fields (one published before they were read here) has its payment read instead.
 */
export const riskDetailSchema = z.object({
  eventId: z.string().check(z.minLength(1)),
  merchantId: z.string(),
  data: z.object({
    payment: z.object({
      id: z.string().check(z.startsWith('pay_')),
      amount: z.optional(z.number()),
      currency: z.optional(z.string()),
      status: z.optional(z.enum(PAYMENT_STATUSES)),
      createdAt: z.optional(z.string()),
      customer: z.optional(
        z.nullable(
          z.object({
            id: z.optional(z.string()),
            email: z.optional(z.string()),
            ip: z.optional(z.string()),
            country: z.optional(z.string()),
          }),
        ),
      ),
      metadata: z.optional(z.nullable(z.record(z.string(), z.string()))),
    }),
  }),
});

/** What the assessment reads of a payment: the event's, or the stored item's. */
export interface PaymentToAssess {
  readonly id: string;
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly createdAt: string;
  readonly customer?: {
    readonly id?: string;
    readonly email?: string;
    readonly ip?: string;
    readonly country?: string;
  } | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** Set when the stored item says it was assessed already. */
  readonly risk?: unknown;
}

/** The payment as the event carries it, or `undefined` when it lacks what the score reads. */
export function paymentOfEvent(detail: z.infer<typeof riskDetailSchema>): PaymentToAssess | undefined {
  const { id, amount, currency, status, createdAt, customer, metadata } = detail.data.payment;
  if (amount === undefined || !currency || !status || !createdAt) return undefined;
  return {
    id,
    merchantId: detail.merchantId,
    amount,
    currency,
    status,
    createdAt,
    customer: customer ?? null,
    metadata: metadata ?? {},
  };
}
