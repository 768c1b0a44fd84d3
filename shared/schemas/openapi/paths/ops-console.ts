/** Paths of the OpenAPI document: the ops console's read routes (a payment's events, the overview). */
import { paymentEventsQuery } from '../../ops.js';
import { paymentIdSchema } from '../../payment.js';
import { inline } from '../json-schema.js';
import { AUTH, operation, queryParameters, TABLE } from '../routes.js';

export function opsConsolePaths(): Record<string, object> {
  return {
    '/v1/ops/payments/{id}/events': {
      get: operation({
        operationId: 'listPaymentEvents',
        summary:
          'Ops: any merchant’s payment’s events and its refunds’, oldest first, with the ids, detail-types ' +
          'and details the bus carried (derived from the payment and its refunds: nothing is stored per event)',
        caller: 'ops',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: inline(paymentIdSchema) },
          ...queryParameters(paymentEventsQuery),
        ],
        ok: { status: 200, description: 'A page of events', id: 'PaymentEventList' },
        problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/overview': {
      get: operation({
        operationId: 'getOverview',
        summary:
          'Ops: volume and authorization rate per channel over the last 24 hours, payments held for review, ' +
          'open discrepancies of the last week, dead-letter depths',
        caller: 'ops',
        ok: { status: 200, description: 'The overview’s figures', id: 'Overview' },
        problems: [...AUTH, ...TABLE],
      }),
    },
  };
}
