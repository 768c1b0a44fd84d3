/** Query of the ops payment search (docs/contract.md, "Ops console"): GET /v1/ops/payments. */
import * as z from 'zod/mini';
import { REVIEW_STATUSES } from '../domain/risk/review.js';
import { cursorSchema, limitSchema } from './common.js';
import { channelSchema, paymentSchema, paymentStatusSchema } from './payment.js';
import './locale.js';

/** `risk=review`: the payments held for review (`reviewStatus` = `held`). */
export const OPS_RISK_FILTERS = ['review'] as const;

export const opsListPaymentsQuery = z.strictObject({
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
  merchantId: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be a merchant id (m_…)' })),
  ),
  status: z.optional(paymentStatusSchema),
  channel: z.optional(channelSchema),
  risk: z.optional(z.enum(OPS_RISK_FILTERS, { error: `must be one of: ${OPS_RISK_FILTERS.join(', ')}` })),
});
export type OpsListPaymentsQuery = z.infer<typeof opsListPaymentsQuery>;

/** An ops payment answer: the payment and its `reviewStatus` (null: never held for review). */
export const opsPaymentSchema = z.extend(paymentSchema, {
  reviewStatus: z.nullable(z.enum(REVIEW_STATUSES)),
});
export type OpsPayment = z.infer<typeof opsPaymentSchema>;
