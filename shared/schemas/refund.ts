import * as z from 'zod/mini';
import { REFUND_STATUSES } from '../domain/refund.js';
import { amountSchema, isoTimestamp } from './common.js';
import './locale.js';

/** POST /v1/payments/{id}/refunds body; `amount` defaults to all that remains. */
export const createRefundBody = z.strictObject({
  amount: z.optional(amountSchema),
  reason: z.optional(
    z.string().check(z.minLength(1), z.maxLength(500, { error: 'must be at most 500 characters' })),
  ),
});
export type CreateRefundBody = z.infer<typeof createRefundBody>;

export const refundSchema = z.object({
  id: z.string().check(z.startsWith('re_')),
  object: z.literal('refund'),
  paymentId: z.string().check(z.startsWith('pay_')),
  amount: z.number().check(z.int()),
  currency: z.string(),
  status: z.enum(REFUND_STATUSES),
  reason: z.nullable(z.string()),
  createdAt: isoTimestamp,
});
export type Refund = z.infer<typeof refundSchema>;
