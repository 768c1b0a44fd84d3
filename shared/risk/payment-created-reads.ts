import * as z from 'zod/mini';

/**
 * What this consumer needs of a PaymentCreated detail (a subset of shared/schemas/events.ts; unknown
 * fields ignored): the payment is read from the table, so the decision is taken on its current state,
 * not the event's. Its consumer-side contract (shared/events/catalogue.ts): a producer that drops or
 * renames one of these fields fails test/unit/events/contracts.test.ts.
 */
export const riskDetailSchema = z.object({
  eventId: z.string().check(z.minLength(1)),
  merchantId: z.string(),
  data: z.object({ payment: z.object({ id: z.string().check(z.startsWith('pay_')) }) }),
});
