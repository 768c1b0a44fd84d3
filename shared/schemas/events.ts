/**
 * The `detail` of every event on the `payments` bus (contract: Events), one zod schema per detail-type.
 *
 * `detail` = `{ eventId, occurredAt, merchantId, version: 1, data }`. Schemas are `z.object` (not strict):
 * a consumer built against version 1 parses a detail that gained fields and ignores what it does not
 * know, so adding a field is not a breaking change; removing or retyping one is a new `version`.
 */
import * as z from 'zod/mini';
import { channelBreakerData } from './channel-events.js';
import { isoTimestamp } from './common.js';
import { merchantChangeSchema, merchantSchema } from './merchants.js';
import { CHANNELS, paymentRoutingSchema, paymentSchema, riskSchema } from './payment.js';
import { discrepancyFoundData, reconciliationRunStartedData } from './reconciliation.js';
import { refundSchema } from './refund.js';
import { settlementSchema } from './settlement.js';

export { EVENT_SOURCE } from '../events/source.js';

/** `evt_` + 26 lower-case base32 characters (see shared/events/event-id.ts). */
export const eventIdSchema = z.string().check(z.regex(/^evt_[a-z2-7]{26}$/));

/**
 * The payment object as events carry it. The contract's payment object, except that `customer` is not
 * strict (the request body refuses unknown customer fields, a consumer must not), and that `routing` and
 * `failureCode` may be absent: events published before routing existed (in queues at a deploy, in the
 * archive for a replay) do not carry them.
 */
export const eventPaymentSchema = z.extend(paymentSchema, {
  routing: z.optional(paymentRoutingSchema),
  failureCode: z.optional(z.nullable(z.string())),
  customer: z.nullable(
    z.object({
      id: z.optional(z.string()),
      email: z.optional(z.string()),
      ip: z.optional(z.string()),
      country: z.optional(z.string()),
    }),
  ),
});

const paymentData = z.object({ payment: eventPaymentSchema });

/**
 * Refund events carry the contract's refund object, its payment id and, beyond the refund object, the
 * channel and the channel's reference: what reconciliation matches a channel's statement rows on.
 */
const refundData = z.object({
  refund: refundSchema,
  paymentId: z.string().check(z.startsWith('pay_')),
  channel: z.enum(CHANNELS),
  channelReference: z.nullable(z.string()),
});

const riskAssessedData = z.object({ paymentId: z.string().check(z.startsWith('pay_')), risk: riskSchema });

function detailOf<D extends z.ZodMiniType>(data: D) {
  return z.object({
    eventId: eventIdSchema,
    occurredAt: isoTimestamp,
    merchantId: z.string().check(z.minLength(1)),
    version: z.literal(1),
    data,
  });
}

/** A detail about no merchant (a channel's breaker): the same envelope without `merchantId`. */
function channelDetailOf<D extends z.ZodMiniType>(data: D) {
  return z.object({
    eventId: eventIdSchema,
    occurredAt: isoTimestamp,
    merchantId: z.optional(z.string()),
    version: z.literal(1),
    data,
  });
}

/** Merchant events carry the merchant after the change and the change itself (who, when, why). */
const merchantData = z.object({ merchant: merchantSchema, change: merchantChangeSchema });

/** One schema per detail-type. */
export const eventDetailSchemas = {
  PaymentCreated: detailOf(paymentData),
  PaymentSucceeded: detailOf(paymentData),
  PaymentFailed: detailOf(paymentData),
  PaymentCanceled: detailOf(paymentData),
  RefundCreated: detailOf(refundData),
  RefundSucceeded: detailOf(refundData),
  RefundFailed: detailOf(refundData),
  RiskAssessed: detailOf(riskAssessedData),
  DiscrepancyFound: detailOf(discrepancyFoundData),
  /** Internal: a reconciliation run was accepted; its consumer executes it. */
  ReconciliationRunStarted: detailOf(reconciliationRunStartedData),
  SettlementCompleted: detailOf(z.object({ settlement: settlementSchema })),
  ChannelBreakerOpened: channelDetailOf(channelBreakerData),
  ChannelBreakerClosed: channelDetailOf(channelBreakerData),
  MerchantOnboarded: detailOf(merchantData),
  MerchantRejected: detailOf(merchantData),
  MerchantSuspended: detailOf(merchantData),
  MerchantReinstated: detailOf(merchantData),
} as const;

export type DetailType = keyof typeof eventDetailSchemas;
export type EventDetail<T extends DetailType = DetailType> = z.infer<(typeof eventDetailSchemas)[T]>;

/**
 * Every detail-type published on the bus (the contract's list plus `PaymentCanceled` and the internal
 * `ReconciliationRunStarted`). The table stream publisher derives the payment, refund, risk and
 * reconciliation events; settlement (issue 5) publishes `SettlementCompleted`.
 */
export const PUBLISHED_DETAIL_TYPES = Object.keys(eventDetailSchemas) as DetailType[];

/** The detail-types derived from the table stream by `shared/events/derive.ts`. */
export const STREAM_DETAIL_TYPES = [
  'PaymentCreated',
  'PaymentSucceeded',
  'PaymentFailed',
  'PaymentCanceled',
  'RefundCreated',
  'RefundSucceeded',
  'RefundFailed',
  'RiskAssessed',
  'DiscrepancyFound',
  'ReconciliationRunStarted',
  'ChannelBreakerOpened',
  'ChannelBreakerClosed',
  'MerchantOnboarded',
  'MerchantRejected',
  'MerchantSuspended',
  'MerchantReinstated',
] as const satisfies readonly DetailType[];

/** A typed event as the code handles it: its detail-type and its detail. */
export type PaymentsEvent = { [K in DetailType]: { detailType: K; detail: EventDetail<K> } }[DetailType];

export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && Object.hasOwn(eventDetailSchemas, value);
}
