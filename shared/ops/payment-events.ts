/**
 * GET /v1/ops/payments/{id}/events?limit=&cursor= (ops key): the payment's events and its refunds',
 * oldest first, as the bus carried them. A page ends at `limit`; the cursor names the last event given.
 *
 * The payment and its refunds are core's: the page comes from core's `payment-events` function
 * (shared/internal/payment-events.ts, one invoke per request), which derives the events from them; this
 * route keeps the cursor (issued for one payment, checked here before anything is asked).
 */

import { apiHandler } from '../http/api-handler.js';
import { prefixedId } from '../http/path-parameters.js';
import { json } from '../http/responses.js';
import type { PaymentEventsReader } from '../internal/payment-events.js';
import { paymentEventsQuery } from '../schemas/ops.js';
import { decodeOpaque, encodeOpaque } from '../store/cursor.js';
import { InvalidCursorError, ObjectNotFoundError } from '../store/errors.js';

/** The route's handler, asking `events` (core's function) for each page. */
export function paymentEventsRoute(events: PaymentEventsReader) {
  return apiHandler(
    { role: 'ops', path: { id: prefixedId('pay') }, query: paymentEventsQuery },
    async ({ event, query }) => {
      const paymentId = event.pathParameters?.id ?? '';
      const after = query.cursor ? afterEventOf(query.cursor, paymentId) : undefined;
      const answer = await events({
        paymentId,
        limit: query.limit,
        ...(after !== undefined ? { after } : {}),
      });
      if (answer.outcome === 'not_found') throw new ObjectNotFoundError(paymentId);
      if (answer.outcome === 'unknown_cursor') throw new InvalidCursorError('names no event of this payment');
      const last = answer.data.at(-1);
      return json(200, {
        data: answer.data,
        nextCursor: answer.more && last ? encodeOpaque([paymentId, last.id]) : null,
      });
    },
  );
}

function afterEventOf(cursor: string, paymentId: string): string {
  const [payment, eventId] = decodeOpaque(cursor, 2);
  if (payment !== paymentId || typeof eventId !== 'string')
    throw new InvalidCursorError('not this payment’s');
  return eventId;
}
