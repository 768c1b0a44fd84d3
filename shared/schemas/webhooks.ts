/**
 * Merchant webhooks (contract: Merchant webhooks): the endpoint a merchant registers, the signed
 * payload we POST to it, and the delivery attempts it can list.
 */
import * as z from 'zod/mini';
import { cursorSchema, isoTimestamp, limitSchema } from './common.js';

/** Every type a merchant endpoint can receive: one per payment and refund detail-type on the bus. */
export const WEBHOOK_EVENT_TYPES = [
  'payment.created',
  'payment.succeeded',
  'payment.failed',
  'payment.canceled',
  'refund.created',
  'refund.succeeded',
  'refund.failed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);

/** `we_` + 26 lower-case base32 characters: the endpoint's Idempotency-Key slot. */
export const webhookEndpointIdSchema = z.string().check(z.regex(/^we_[a-z2-7]{26}$/));

/**
 * `POST /v1/webhook-endpoints`. `url` is only checked to be a URL here; whether its scheme and host
 * are acceptable depends on where the system runs (shared/webhooks/url-policy.ts). `events` defaults to
 * every type; duplicates are refused rather than silently merged.
 */
export const createWebhookEndpointBody = z.strictObject({
  url: z.string().check(z.maxLength(2048, { error: 'must be at most 2048 characters' })),
  events: z.optional(
    z.array(webhookEventTypeSchema).check(
      z.minLength(1, { error: 'must name at least one event type' }),
      z.refine((types) => new Set(types).size === types.length, { error: 'must not repeat a type' }),
    ),
  ),
});
export type CreateWebhookEndpointBody = z.infer<typeof createWebhookEndpointBody>;

/** The endpoint as the API returns it. `secret` only in the 201 of its creation (and its replays). */
export const webhookEndpointSchema = z.object({
  id: webhookEndpointIdSchema,
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  status: z.enum(['enabled', 'disabled']),
  createdAt: isoTimestamp,
  secret: z.optional(z.string()),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

/** What we POST to an endpoint. `id` is the bus event's id: a retry carries the same one. */
export const webhookPayloadSchema = z.object({
  id: z.string().check(z.startsWith('evt_')),
  type: webhookEventTypeSchema,
  createdAt: isoTimestamp,
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** One attempt to deliver one event to one endpoint. */
export const webhookDeliverySchema = z.object({
  id: z.string(),
  object: z.literal('webhook_delivery'),
  endpointId: webhookEndpointIdSchema,
  eventId: z.string(),
  type: webhookEventTypeSchema,
  /** 1 for the first try, then one more per retry of the event's message. */
  attempt: z.number(),
  outcome: z.enum(['succeeded', 'failed']),
  /** The endpoint's HTTP status, `null` when no answer came (timeout, refused connection). */
  responseStatus: z.nullable(z.number()),
  error: z.nullable(z.string()),
  durationMs: z.number(),
  createdAt: isoTimestamp,
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** `GET /v1/webhook-endpoints/{id}/deliveries`: newest first, paged like the payments list. */
export const listWebhookDeliveriesQuery = z.strictObject({
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
});
export type ListWebhookDeliveriesQuery = z.infer<typeof listWebhookDeliveriesQuery>;
