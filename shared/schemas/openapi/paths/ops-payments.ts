/** Paths of the OpenAPI document: ops reads of payments across merchants (the console's search). */
import { opsListPaymentsQuery } from '../../ops-payments.js';
import { AUTH, operation, paymentId, queryParameters, TABLE } from '../routes.js';

export function opsPaymentPaths(): Record<string, object> {
  return {
    '/v1/ops/payments': {
      get: operation({
        operationId: 'searchPayments',
        summary:
          'Ops: payments across merchants, newest first (ties by id). `merchantId` narrows to one merchant, ' +
          '`status` and `channel` filter, `risk=review` lists the payments held for review. A filtered page ' +
          'examines at most 500 payments: it may hold fewer than `limit` with a `nextCursor` to go on.',
        caller: 'ops',
        parameters: queryParameters(opsListPaymentsQuery),
        ok: { status: 200, description: 'A page of payments', id: 'OpsPaymentList' },
        problems: ['validation-error', ...AUTH, ...TABLE],
      }),
    },
    '/v1/ops/payments/{id}': {
      get: operation({
        operationId: 'getOpsPayment',
        summary: 'Ops: any merchant’s payment, with its `reviewStatus`',
        caller: 'ops',
        parameters: [paymentId],
        ok: { status: 200, description: 'The payment', id: 'OpsPayment' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
  };
}
