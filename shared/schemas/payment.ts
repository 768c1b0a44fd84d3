import * as z from 'zod';
import { PAYMENT_STATUSES } from '../domain/payment.js';
import { amountSchema, currencySchema, cursorSchema, isoTimestamp, limitSchema } from './common.js';

export const CHANNELS = ['sandbox'] as const;
export const channelSchema = z.enum(CHANNELS, { error: `must be one of: ${CHANNELS.join(', ')}` });

export const customerSchema = z.strictObject({
  id: z.string().min(1).max(255).optional(),
  email: z.email({ error: 'must be an email address' }).max(254).optional(),
  ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: 'must be an upper-case ISO 3166-1 alpha-2 code' })
    .optional(),
});

export const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500), { error: 'must be an object of string values' })
  .refine((m) => Object.keys(m).length <= 20, { error: 'at most 20 keys' });

/** POST /v1/payments body. Unknown fields are refused (strict), as Stripe does. */
export const createPaymentBody = z.strictObject({
  amount: amountSchema,
  currency: currencySchema,
  channel: channelSchema.default('sandbox'),
  description: z.string().max(500, { error: 'must be at most 500 characters' }).optional(),
  customer: customerSchema.optional(),
  metadata: metadataSchema.optional(),
});
export type CreatePaymentBody = z.infer<typeof createPaymentBody>;

export const paymentStatusSchema = z.enum(PAYMENT_STATUSES, {
  error: `must be one of: ${PAYMENT_STATUSES.join(', ')}`,
});

export const riskSchema = z.object({
  score: z.number().int().min(0).max(100),
  decision: z.enum(['approve', 'review', 'reject']),
  reasons: z.array(z.string()),
  assessedAt: isoTimestamp,
});

/** The payment object of the contract. */
export const paymentSchema = z.object({
  id: z.string().startsWith('pay_'),
  object: z.literal('payment'),
  merchantId: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: paymentStatusSchema,
  channel: channelSchema,
  channelReference: z.string().nullable(),
  amountRefunded: z.number().int(),
  description: z.string().nullable(),
  customer: customerSchema.nullable(),
  metadata: z.record(z.string(), z.string()),
  risk: riskSchema.optional(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});
export type Payment = z.infer<typeof paymentSchema>;

/** GET /v1/payments query string. */
export const listPaymentsQuery = z.strictObject({
  limit: limitSchema,
  cursor: cursorSchema.optional(),
  status: paymentStatusSchema.optional(),
});
export type ListPaymentsQuery = z.infer<typeof listPaymentsQuery>;

export const paymentIdSchema = z.string().regex(/^pay_[A-Za-z0-9]{1,64}$/);
