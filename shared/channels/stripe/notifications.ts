/**
 * Stripe events posted to `POST /v1/channels/stripe/callbacks`. `Stripe-Signature: t=…,v1=…` is the
 * scheme of our sandbox channel (HMAC-SHA256 over `"<t>.<raw body>"`, several `v1` while a secret
 * rotates, 300 s tolerance), so its one constant-time verifier serves both. The events that move a
 * payment or a refund become the canonical outcome; every other verified event is acknowledged and
 * ignored, as Stripe expects (it redelivers anything not answered 2xx).
 */
import * as z from 'zod/mini';
import { type ChannelAck, type ChannelNotification, header, NotificationError } from '../protocol.js';
import { verifySignature } from '../sandbox/signature.js';
import type { ChannelNotifier } from '../types.js';
import { fromStripeAmount } from './amount.js';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const STRIPE_ACK: ChannelAck = {
  status: 200,
  contentType: 'application/json',
  body: '{"received":true}',
};

const ourId = z.string().check(z.regex(/^(pay|re)_[A-Za-z0-9]{1,64}$/));
const stripeObject = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(255)),
  amount: z.number().check(z.int(), z.nonnegative()),
  currency: z.string().check(z.regex(/^[A-Za-z]{3}$/)),
  // Only refund.updated needs it; a PaymentIntent event's type already says what happened.
  status: z.optional(z.string()),
  metadata: z.optional(z.record(z.string(), z.string())),
});
const stripeEvent = z.object({
  // Only a deduplication key here: any id Stripe gives, however it evolves.
  id: z.string().check(z.minLength(1), z.maxLength(255)),
  type: z.string(),
  created: z.optional(z.number().check(z.int(), z.nonnegative())),
  data: z.object({ object: z.unknown() }),
});

type Said = readonly ['payment' | 'refund', 'succeeded' | 'failed'] | undefined;

/** What each event type we act on says, given its object's `status`; undefined: nothing final yet. */
const OUTCOME_OF: Readonly<Record<string, (status: string | undefined) => Said>> = {
  'payment_intent.succeeded': () => ['payment', 'succeeded'],
  'payment_intent.payment_failed': () => ['payment', 'failed'],
  // A refund canceled before it moved money is as final as a failed one for the payment.
  'refund.updated': (status) =>
    status === 'succeeded'
      ? ['refund', 'succeeded']
      : status === 'failed' || status === 'canceled'
        ? ['refund', 'failed']
        : undefined,
};

/**
 * Verifies `Stripe-Signature` against any of `secrets` over the raw body, then reads the event.
 * @param nowSeconds current unix time, injected so tests control the clock
 * @throws NotificationError (`missing`, `malformed`, `stale`, `mismatch`)
 */
export function readStripeEvent(
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: Buffer | string,
  secrets: readonly string[],
  nowSeconds: number,
): ChannelNotification {
  const verdict = verifySignature(header(headers, STRIPE_SIGNATURE_HEADER), rawBody, secrets, nowSeconds);
  if (!verdict.ok) throw new NotificationError(verdict.reason, `Stripe-Signature ${verdict.reason}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString());
  } catch (cause) {
    throw new NotificationError('malformed', 'Stripe event is not JSON', { cause });
  }
  const event = stripeEvent.safeParse(parsed);
  if (!event.success) throw new NotificationError('malformed', 'not a Stripe event', { cause: event.error });
  const { id: eventId, type, created } = event.data;
  const ignored = { kind: 'ignored', eventId, type } as const;

  const outcomeOf = Object.hasOwn(OUTCOME_OF, type) ? OUTCOME_OF[type] : undefined;
  if (!outcomeOf) return ignored;
  const object = stripeObject.safeParse(event.data.data.object);
  if (!object.success) throw new NotificationError('malformed', `${type} without its object`);
  const { id, amount, currency, status, metadata } = object.data;
  const said = outcomeOf(status);
  if (!said) return ignored;
  const [subject, outcome] = said;
  // Objects created outside this product (the Dashboard, another integration) carry no reference of ours.
  const reference = ourId.safeParse(metadata?.reference);
  if (!reference.success || !reference.data.startsWith(subject === 'payment' ? 'pay_' : 're_'))
    return ignored;
  const ours = currency.toUpperCase();
  let minor: number;
  try {
    minor = fromStripeAmount(amount, ours);
  } catch (cause) {
    throw new NotificationError('malformed', `${type}: amount ${amount} ${currency}`, { cause });
  }
  return {
    kind: 'outcome',
    event: {
      eventId,
      subject,
      outcome,
      reference: reference.data,
      channelReference: id,
      amount: minor,
      currency: ours,
      // An event always has `created`; the signature's `t` is when Stripe sent it, the next best thing.
      occurredAt: new Date((created ?? verdict.t) * 1000).toISOString(),
    },
  };
}

/** The callback's part of the Stripe adapter. */
export function createStripeNotifier(options: {
  readonly webhookSecrets: readonly string[];
}): ChannelNotifier {
  return {
    name: 'stripe',
    ack: STRIPE_ACK,
    readNotification: (headers, rawBody, now) =>
      readStripeEvent(headers, rawBody, options.webhookSecrets, Math.floor(now.getTime() / 1000)),
  };
}
