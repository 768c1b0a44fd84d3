/** Paths of the OpenAPI document: The health check, payments, their refunds and fraud reports. */
import { listPaymentsQuery } from '../../payment.js';
import { AUTH, BODY, operation, paymentId, queryParameters, type Route, TABLE } from '../routes.js';

export function paymentPaths(): Record<string, object> {
  const getPayment: Route = {
    operationId: 'getPayment',
    summary: 'A payment. Another merchant’s payment answers 404, as if it did not exist.',
    caller: 'merchant',
    parameters: [paymentId],
    ok: { status: 200, description: 'The payment', id: 'Payment' },
    problems: [...AUTH, 'not-found', ...TABLE],
  };
  return {
    '/health': {
      get: operation({
        operationId: 'getHealth',
        summary: 'Liveness',
        caller: 'public',
        ok: { status: 200, description: 'The API is up', id: 'Health' },
        problems: [],
      }),
    },
    '/v1/payments': {
      post: operation({
        operationId: 'createPayment',
        summary:
          'Create a payment, sent to its channel: the one it names (pinned), else the one the merchant’s ' +
          'routing configuration chooses (`routing` tells how). The risk before-checks may refuse it (422 ' +
          '`risk-rejected` with `reasons`); its `risk` assessment follows asynchronously. A pinned payment ' +
          'over its channel’s daily quota is refused (422 `channel-quota-exceeded`), as is one pinned to a ' +
          'channel that does not take its currency (422 `currency-not-supported`). A payment no healthy ' +
          'channel can take is created `failed` with `failureCode: channel_unavailable`.',
        caller: 'merchant',
        requestBody: { id: 'CreatePaymentRequest', required: true },
        ok: { status: 201, description: 'The payment, created (or replayed)', id: 'Payment' },
        problems: [
          ...BODY,
          ...AUTH,
          'concurrent-modification',
          'idempotency-key-reused',
          'risk-rejected',
          'channel-quota-exceeded',
          'currency-not-supported',
          ...TABLE,
        ],
        idempotent: {
          replayedProblems: ['risk-rejected', 'channel-quota-exceeded', 'currency-not-supported'],
        },
      }),
      get: operation({
        operationId: 'listPayments',
        summary: 'The merchant’s payments, newest first',
        caller: 'merchant',
        parameters: queryParameters(listPaymentsQuery),
        ok: { status: 200, description: 'A page of payments', id: 'PaymentList' },
        problems: ['validation-error', ...AUTH, ...TABLE],
      }),
    },
    '/v1/payments/{id}': { get: operation(getPayment) },
    '/v1/payments/{id}/refunds': {
      post: operation({
        operationId: 'createRefund',
        summary: 'Refund a succeeded payment; without `amount`, all that remains refundable',
        caller: 'merchant',
        parameters: [paymentId],
        requestBody: { id: 'CreateRefundRequest', required: false },
        ok: { status: 201, description: 'The refund, created (or replayed)', id: 'Refund' },
        problems: [
          ...BODY,
          ...AUTH,
          'not-found',
          'payment-not-refundable',
          'concurrent-modification',
          'refund-exceeds-remaining',
          'idempotency-key-reused',
          ...TABLE,
        ],
        idempotent: {
          replayedProblems: ['not-found', 'payment-not-refundable', 'refund-exceeds-remaining'],
        },
      }),
      get: operation({
        operationId: 'listRefunds',
        summary: 'The payment’s refunds, newest first, in one page',
        caller: 'merchant',
        parameters: [paymentId],
        ok: { status: 200, description: 'The refunds', id: 'RefundList' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/payments/{id}/fraud-reports': {
      post: operation({
        operationId: 'createFraudReport',
        summary:
          'Report a payment as fraud: its customer id, email and IP join the merchant’s blocklists, and ' +
          'reports of the last 30 days may tighten the merchant’s limits',
        caller: 'merchant',
        parameters: [paymentId],
        requestBody: { id: 'CreateFraudReportRequest', required: true },
        ok: { status: 201, description: 'The report, created (or replayed)', id: 'FraudReport' },
        problems: [
          ...BODY,
          ...AUTH,
          'not-found',
          'concurrent-modification',
          'idempotency-key-reused',
          ...TABLE,
        ],
        idempotent: { replayedProblems: [] },
      }),
    },
  };
}
