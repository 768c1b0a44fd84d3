import * as z from 'zod/mini';
import { PAYMENT_STATUSES } from '../domain/payment.js';
import { amountSchema, currencySchema, cursorSchema, isoTimestamp, limitSchema } from './common.js';
import './locale.js';

import { ROUTING_STRATEGIES } from '../domain/routing/config.js';
import { CHANNELS } from './channels.js';
import { defined } from './defined.js';
import { stringMap } from './string-map.js';

export { CHANNELS };
export const channelSchema = /* @__PURE__ */ defined(() =>
  z.enum(CHANNELS, { error: `must be one of: ${CHANNELS.join(', ')}` }),
);

export const customerSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    id: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
    email: z.optional(z.email({ error: 'must be an email address' }).check(z.maxLength(254))),
    ip: z.optional(z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })),
    country: z.optional(
      z.string().check(z.regex(/^[A-Z]{2}$/, { error: 'must be an upper-case ISO 3166-1 alpha-2 code' })),
    ),
  }),
);

/** ≤ 20 string pairs; any key name round-trips exactly (string-map.ts). */
export const metadataSchema = /* @__PURE__ */ defined(() =>
  stringMap({
    maxKeys: 20,
    maxKeyLength: 40,
    maxValueLength: 500,
    error: 'must be an object of string values',
  }),
);

/** POST /v1/payments body. Unknown fields are refused (strict), as Stripe does. */
export const createPaymentBody = /* @__PURE__ */ defined(() =>
  z.strictObject({
    amount: amountSchema,
    currency: currencySchema,
    /** Pins the payment to that channel (no failover); absent: the merchant's routing configuration decides. */
    channel: z.optional(channelSchema),
    description: z.optional(z.string().check(z.maxLength(500, { error: 'must be at most 500 characters' }))),
    customer: z.optional(customerSchema),
    metadata: z.optional(metadataSchema),
  }),
);
export type CreatePaymentBody = z.infer<typeof createPaymentBody>;

export const paymentStatusSchema = /* @__PURE__ */ defined(() =>
  z.enum(PAYMENT_STATUSES, {
    error: `must be one of: ${PAYMENT_STATUSES.join(', ')}`,
  }),
);

export const riskSchema = /* @__PURE__ */ defined(() =>
  z.object({
    score: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
    decision: z.enum(['approve', 'review', 'reject']),
    reasons: z.array(z.string()),
    assessedAt: isoTimestamp,
  }),
);

/**
 * A map as stored and answered: no bounds (what the create accepted is what it is), but every key kept,
 * which `z.record` would not do for `__proto__`: consumers parse events with this schema.
 */
const storedStringMap = /* @__PURE__ */ defined(() =>
  stringMap({ error: 'must be an object of string values' }),
);

/** How a submission to a channel ended; `pending` only in answers, for the submission under way. */
export const ATTEMPT_OUTCOMES = ['pending', 'unavailable', 'declined', 'succeeded', 'failed'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export const routingAttemptSchema = /* @__PURE__ */ defined(() =>
  z.object({
    channel: channelSchema,
    outcome: z.enum(ATTEMPT_OUTCOMES),
    at: isoTimestamp,
  }),
);
export type RoutingAttempt = z.infer<typeof routingAttemptSchema>;

/**
 * How the payment was routed (contract: "Routing and channel health"): the decision taken at create,
 * never changed, and every submission since. `rule`: the matching rule's name, `null` for the default
 * and for a pinned payment.
 */
export const paymentRoutingSchema = /* @__PURE__ */ defined(() =>
  z.object({
    strategy: z.enum([...ROUTING_STRATEGIES, 'pinned']),
    rule: z.nullable(z.string()),
    candidates: z.array(channelSchema),
    chosen: z.nullable(channelSchema),
    reason: z.string(),
    attempts: z.array(routingAttemptSchema),
  }),
);
export type PaymentRouting = z.infer<typeof paymentRoutingSchema>;

/** Why a payment failed: `declined` by the channel, or `channel_unavailable` (no healthy channel took it). */
export const FAILURE_CODES = ['declined', 'channel_unavailable'] as const;

/** The payment object of the contract. */
export const paymentSchema = /* @__PURE__ */ defined(() =>
  z.object({
    id: z.string().check(z.startsWith('pay_')),
    object: z.literal('payment'),
    merchantId: z.string(),
    amount: z.number().check(z.int()),
    currency: z.string(),
    status: paymentStatusSchema,
    /** The channel the payment is at (after any failover); `null` when no channel could take it at create. */
    channel: z.nullable(channelSchema),
    channelReference: z.nullable(z.string()),
    routing: paymentRoutingSchema,
    /** Set with `status: failed` (FAILURE_CODES; consumers accept codes added later). */
    failureCode: z.nullable(z.string()),
    amountRefunded: z.number().check(z.int()),
    description: z.nullable(z.string()),
    customer: z.nullable(customerSchema),
    metadata: storedStringMap,
    risk: z.optional(riskSchema),
    createdAt: isoTimestamp,
    updatedAt: isoTimestamp,
  }),
);
export type Payment = z.infer<typeof paymentSchema>;

/** GET /v1/payments query string. */
export const listPaymentsQuery = /* @__PURE__ */ defined(() =>
  z.strictObject({
    limit: limitSchema,
    cursor: z.optional(cursorSchema),
    status: z.optional(paymentStatusSchema),
  }),
);
export type ListPaymentsQuery = z.infer<typeof listPaymentsQuery>;

export const paymentIdSchema = /* @__PURE__ */ defined(() =>
  z.string().check(z.regex(/^pay_[A-Za-z0-9]{1,64}$/)),
);
