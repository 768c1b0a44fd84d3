import * as z from 'zod/mini';

/**
 * The part of a payment event this consumer reads (unknown fields ignored): its consumer-side contract
 * (shared/events/catalogue.ts, tested against what the publisher puts on the bus).
 */
export const outcomeDetailSchema = z.object({
  merchantId: z.string(),
  occurredAt: z.string(),
  data: z.object({
    payment: z.object({
      channel: z.nullish(z.string()),
      currency: z.string(),
      failureCode: z.nullish(z.string()),
    }),
  }),
});
