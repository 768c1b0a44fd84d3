/**
 * Core's side of the `payment-events` function (shared/internal/payment-events.ts): a page of a payment's
 * events, derived from its item and its refunds (ONE consistent Query of the payment's partition,
 * store/dynamodb/payment-timeline.ts; shared/events/timeline.ts derives the events: no record per event).
 */
import { timelineOf } from '../events/timeline.js';
import type { PaymentEventsAnswer, PaymentEventsRequest } from '../internal/payment-events.js';
import type { PaymentEvent } from '../schemas/ops.js';
import { readPaymentWithRefunds } from '../store/dynamodb/payment-timeline.js';
import type { TableContext } from '../store/dynamodb/table.js';
import { ObjectNotFoundError } from '../store/errors.js';

export async function paymentEventsPage(
  table: TableContext,
  request: PaymentEventsRequest,
): Promise<PaymentEventsAnswer> {
  let read: Awaited<ReturnType<typeof readPaymentWithRefunds>>;
  try {
    read = await readPaymentWithRefunds(table, request.paymentId);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return { outcome: 'not_found' };
    throw error;
  }
  const events: PaymentEvent[] = timelineOf(read.payment, read.refunds).map(({ detailType, detail }) => ({
    id: detail.eventId,
    object: 'event',
    detailType,
    occurredAt: detail.occurredAt,
    detail: detail as unknown as Record<string, unknown>,
  }));
  let start = 0;
  if (request.after !== undefined) {
    const index = events.findIndex((e) => e.id === request.after);
    if (index < 0) return { outcome: 'unknown_cursor' };
    start = index + 1;
  }
  return {
    outcome: 'page',
    data: events.slice(start, start + request.limit),
    more: start + request.limit < events.length,
  };
}
