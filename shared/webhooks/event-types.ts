/**
 * Which bus events become merchant webhooks, under which type, carrying which object: a payment
 * event carries the payment, a refund event the refund (contract: `data: { object }`).
 */
import type { DetailType } from '../schemas/events.js';
import type { WebhookEventType, WebhookPayload } from '../schemas/webhooks.js';

/** Detail-type → webhook type. Every other detail-type (risk, reconciliation, settlement) is internal. */
export const WEBHOOK_TYPE_OF = {
  PaymentCreated: 'payment.created',
  PaymentSucceeded: 'payment.succeeded',
  PaymentFailed: 'payment.failed',
  PaymentCanceled: 'payment.canceled',
  RefundCreated: 'refund.created',
  RefundSucceeded: 'refund.succeeded',
  RefundFailed: 'refund.failed',
} as const satisfies Partial<Record<DetailType, WebhookEventType>>;

export type WebhookDetailType = keyof typeof WEBHOOK_TYPE_OF;

/** The detail-types the webhook queue's rule must route: exactly those that map to a webhook type. */
export const WEBHOOK_DETAIL_TYPES = Object.keys(WEBHOOK_TYPE_OF) as WebhookDetailType[];

/** The webhook type of a detail-type, or `undefined` for one merchants are not sent. */
export function webhookTypeOf(detailType: string): WebhookEventType | undefined {
  return Object.hasOwn(WEBHOOK_TYPE_OF, detailType)
    ? WEBHOOK_TYPE_OF[detailType as WebhookDetailType]
    : undefined;
}

/**
 * The payload a merchant receives for `event`. `id` is the bus event's id (stable across republishing
 * and retries), `createdAt` when it happened, `data.object` the payment or refund it carries.
 */
export function webhookPayloadOf(event: {
  readonly detailType: WebhookDetailType;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly object: Record<string, unknown>;
}): WebhookPayload {
  return {
    id: event.eventId,
    type: WEBHOOK_TYPE_OF[event.detailType],
    createdAt: event.occurredAt,
    data: { object: event.object },
  };
}
