/**
 * What the webhook consumer reads of a bus event: the envelope, the detail's header (`eventId`,
 * `occurredAt`, `merchantId`, `version`) and the payment or refund object, passed on to the merchant as
 * published. Deliberately not the full per-detail-type schemas of shared/schemas/events.ts: the
 * consumer forwards the object rather than interpreting it, the publisher already built it from the
 * committed item, and those schemas (with the payment and refund schemas behind them) would push this
 * bundle, which also carries the SQS client, over its 300 KB budget. Unknown fields are kept in the
 * object (a merchant sees what the event carries) and ignored elsewhere.
 */
import * as z from 'zod/mini';
import { detailOf, envelopeOf } from '../events/envelope.js';

import { type WebhookDetailType, webhookTypeOf } from './event-types.js';

const object = z.looseObject({ id: z.string(), object: z.string() });

const header = {
  eventId: z.string().check(z.regex(/^evt_[a-z0-9]{1,64}$/)),
  occurredAt: z.iso.datetime(),
  merchantId: z.string().check(z.minLength(1)),
  version: z.literal(1),
};

/** An event merchants are not sent: only checked to be one of ours. */
const otherDetailSchema = z.object({ ...header, data: z.object({}) });

/**
 * What this consumer reads of a payment event (PaymentCreated, …Succeeded, …Failed, …Canceled) and of a
 * refund event: its consumer-side contracts (shared/events/catalogue.ts), tested against what the
 * publisher puts on the bus.
 */
export const webhookPaymentDetailSchema = z.object({ ...header, data: z.object({ payment: object }) });
export const webhookRefundDetailSchema = z.object({ ...header, data: z.object({ refund: object }) });

export interface WebhookSourceEvent {
  readonly detailType: WebhookDetailType;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly merchantId: string;
  readonly object: Record<string, unknown>;
}

/**
 * The event in an SQS message body, or `undefined` for a detail-type merchants are not sent.
 * @throws InvalidEventError when the body is not one of our events or lacks the object its type carries.
 */
export function parseWebhookSource(body: string): WebhookSourceEvent | undefined {
  const envelope = envelopeOf(body);
  const { detailType } = envelope;
  const type = webhookTypeOf(detailType);
  if (!type) {
    detailOf(envelope, otherDetailSchema);
    return undefined;
  }
  const header = { detailType: detailType as WebhookDetailType };
  if (type.startsWith('payment.')) {
    const detail = detailOf(envelope, webhookPaymentDetailSchema);
    return { ...header, ...headerOf(detail), object: detail.data.payment };
  }
  const detail = detailOf(envelope, webhookRefundDetailSchema);
  return { ...header, ...headerOf(detail), object: detail.data.refund };
}

const headerOf = (detail: { eventId: string; occurredAt: string; merchantId: string }) => ({
  eventId: detail.eventId,
  occurredAt: detail.occurredAt,
  merchantId: detail.merchantId,
});
