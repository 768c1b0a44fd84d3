import * as z from 'zod';
import { REFUND_STATUSES } from '../domain/refund.js';
import { amountSchema, isoTimestamp } from './common.js';

/** POST /v1/payments/{id}/refunds body; `amount` defaults to all that remains. */
export const createRefundBody = z.strictObject({
  amount: amountSchema.optional(),
  reason: z.string().min(1).max(500, { error: 'must be at most 500 characters' }).optional(),
});
export type CreateRefundBody = z.infer<typeof createRefundBody>;

export const refundSchema = z.object({
  id: z.string().startsWith('re_'),
  object: z.literal('refund'),
  paymentId: z.string().startsWith('pay_'),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(REFUND_STATUSES),
  reason: z.string().nullable(),
  createdAt: isoTimestamp,
});
export type Refund = z.infer<typeof refundSchema>;
