/**
 * Events derived from one change of the payments table, as its stream reports it (the stream is the
 * transactional outbox: the state change and the fact that announces it are one commit).
 *
 * | change                                        | events                                             |
 * |-----------------------------------------------|----------------------------------------------------|
 * | payment inserted                              | PaymentCreated                                     |
 * | payment status changed to succeeded/failed/canceled | PaymentSucceeded / PaymentFailed / PaymentCanceled |
 * | payment `risk` set (absent before)            | RiskAssessed                                       |
 * | refund inserted                               | RefundCreated                                      |
 * | refund status changed to succeeded/failed     | RefundSucceeded / RefundFailed                     |
 * | discrepancy inserted (a rerun's overwrite is not) | DiscrepancyFound                               |
 * | reconciliation run inserted                   | ReconciliationRunStarted (internal)                |
 * | channel breaker written with `announce`       | ChannelBreakerOpened / ChannelBreakerClosed        |
 * | merchant change inserted (review, suspend, reinstate) | MerchantOnboarded / …Rejected / …Suspended / …Reinstated |
 * | anything else (other items, removals, a payment's `amountRefunded` moving, ...) | none        |
 *
 * Pure: no I/O, the same change always gives the same events, ids included.
 */
import type { PaymentStatus } from '../domain/payment.js';
import type { RefundStatus } from '../domain/refund.js';
import type { DetailType, EventDetail, PaymentsEvent } from '../schemas/events.js';
import { type PaymentItem, paymentFromItem, type RefundItem, refundFromItem } from '../store/items.js';
import type { MerchantChangeItem } from '../store/merchant-items.js';
import { type DiscrepancyItem, discrepancyFromItem, type RunItem } from '../store/reconciliation-items.js';
import { type BreakerItemImage, breakerEvents } from './breaker-events.js';
import { eventIdOf } from './event-id.js';
import { merchantEvents } from './merchant-events.js';

/** One stream record, images unmarshalled to plain objects. */
export interface TableChange {
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  readonly oldImage?: Record<string, unknown>;
  readonly newImage?: Record<string, unknown>;
}

const PAYMENT_STATUS_EVENTS: Partial<Record<PaymentStatus, DetailType>> = {
  succeeded: 'PaymentSucceeded',
  failed: 'PaymentFailed',
  canceled: 'PaymentCanceled',
};

const REFUND_STATUS_EVENTS: Partial<Record<RefundStatus, DetailType>> = {
  succeeded: 'RefundSucceeded',
  failed: 'RefundFailed',
};

/** The events `change` announces, in the order they happened (created, then status, then risk). */
export function eventsFromChange(change: TableChange): PaymentsEvent[] {
  const { newImage, oldImage } = change;
  if (change.eventName === 'REMOVE' || !newImage) return [];
  // A MODIFY that replaced another kind of item (never done today) is treated as a creation.
  const previous = oldImage && oldImage.entity === newImage.entity ? oldImage : undefined;
  switch (newImage.entity) {
    case 'payment':
      return paymentEvents(previous as PaymentItem | undefined, newImage as unknown as PaymentItem);
    case 'refund':
      return refundEvents(previous as RefundItem | undefined, newImage as unknown as RefundItem);
    case 'discrepancy':
      return previous ? [] : [discrepancyFound(newImage as unknown as DiscrepancyItem)];
    case 'reconciliationRun':
      return previous ? [] : [runStarted(newImage as unknown as RunItem)];
    case 'channelBreaker':
      return breakerEvents(previous as BreakerItemImage | undefined, newImage as unknown as BreakerItemImage);
    case 'merchantChange':
      return previous ? [] : merchantEvents(newImage as unknown as MerchantChangeItem);
    default:
      return [];
  }
}

function paymentEvents(before: PaymentItem | undefined, after: PaymentItem): PaymentsEvent[] {
  const types: DetailType[] = [];
  if (!before) types.push('PaymentCreated');
  if (before?.status !== after.status) {
    const statusEvent = PAYMENT_STATUS_EVENTS[after.status];
    if (statusEvent) types.push(statusEvent);
  }
  // Once per payment: a later change of `risk` (an ops review) is announced by the status it leads to.
  if (after.risk && !before?.risk) types.push('RiskAssessed');
  if (types.length === 0) return [];

  const payment = paymentFromItem(after);
  return types.map((detailType) => {
    const data =
      detailType === 'RiskAssessed' && after.risk ? { paymentId: after.id, risk: after.risk } : { payment };
    return event(detailType, after, data);
  });
}

function refundEvents(before: RefundItem | undefined, after: RefundItem): PaymentsEvent[] {
  const types: DetailType[] = [];
  if (!before) types.push('RefundCreated');
  if (before?.status !== after.status) {
    const statusEvent = REFUND_STATUS_EVENTS[after.status];
    if (statusEvent) types.push(statusEvent);
  }
  if (types.length === 0) return [];

  const data = {
    refund: refundFromItem(after),
    paymentId: after.paymentId,
    channel: after.channel,
    channelReference: after.channelReference ?? null,
  };
  return types.map((detailType) => event(detailType, after, data));
}

function discrepancyFound(item: DiscrepancyItem): PaymentsEvent {
  return {
    detailType: 'DiscrepancyFound',
    detail: {
      eventId: eventIdOf('DiscrepancyFound', item.id),
      occurredAt: item.createdAt,
      merchantId: item.merchantId ?? 'unknown',
      version: 1,
      data: { discrepancy: discrepancyFromItem(item) },
    },
  };
}

function runStarted(item: RunItem): PaymentsEvent {
  return {
    detailType: 'ReconciliationRunStarted',
    detail: {
      eventId: eventIdOf('ReconciliationRunStarted', item.id),
      occurredAt: item.createdAt,
      merchantId: item.callerId,
      version: 1,
      data: { run: { id: item.id, channel: item.channel as 'sandbox', date: item.date } },
    },
  };
}

function event(
  detailType: DetailType,
  item: PaymentItem | RefundItem,
  data: EventDetail['data'],
): PaymentsEvent {
  const detail = {
    eventId: eventIdOf(detailType, item.id),
    occurredAt: item.updatedAt ?? item.createdAt,
    merchantId: item.merchantId,
    version: 1 as const,
    data,
  };
  return { detailType, detail } as PaymentsEvent;
}
