/**
 * GET /v1/ops/payments/{id}/events?limit=&cursor= (ops key): the payment's events and its refunds',
 * oldest first, as the bus carried them (shared/events/timeline.ts derives them from the items: no
 * record per event). A page ends at `limit`; the cursor names the last event given.
 */

import { timelineOf } from '../events/timeline.js';
import { apiHandler } from '../http/api-handler.js';
import { prefixedId } from '../http/path-parameters.js';
import { json } from '../http/responses.js';
import { type PaymentEvent, paymentEventsQuery } from '../schemas/ops.js';
import { decodeOpaque, encodeOpaque } from '../store/cursor.js';
import { readPaymentWithRefunds } from '../store/dynamodb/payment-timeline.js';
import type { TableContext } from '../store/dynamodb/table.js';
import { InvalidCursorError } from '../store/errors.js';

/** The route's handler, on `table`. */
export function paymentEventsRoute(table: TableContext) {
  return apiHandler(
    { role: 'ops', path: { id: prefixedId('pay') }, query: paymentEventsQuery },
    async ({ event, query }) => {
      const paymentId = event.pathParameters?.id ?? '';
      const after = query.cursor ? afterEventOf(query.cursor, paymentId) : undefined;
      const { payment, refunds } = await readPaymentWithRefunds(table, paymentId);
      const events: PaymentEvent[] = timelineOf(payment, refunds).map(({ detailType, detail }) => ({
        id: detail.eventId,
        object: 'event',
        detailType,
        occurredAt: detail.occurredAt,
        detail: detail as unknown as Record<string, unknown>,
      }));
      let start = 0;
      if (after !== undefined) {
        const index = events.findIndex((e) => e.id === after);
        if (index < 0) throw new InvalidCursorError('names no event of this payment');
        start = index + 1;
      }
      const data = events.slice(start, start + query.limit);
      const more = start + query.limit < events.length;
      const last = data.at(-1);
      return json(200, { data, nextCursor: more && last ? encodeOpaque([paymentId, last.id]) : null });
    },
  );
}

function afterEventOf(cursor: string, paymentId: string): string {
  const [payment, eventId] = decodeOpaque(cursor, 2);
  if (payment !== paymentId || typeof eventId !== 'string')
    throw new InvalidCursorError('not this payment’s');
  return eventId;
}
