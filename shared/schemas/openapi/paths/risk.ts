/** Paths of the OpenAPI document: Ops routes of risk control: profiles, daily summaries, reviews. */
import { riskSummaryQuery } from '../../risk-routes.js';
import {
  AUTH,
  BODY,
  merchantIdParameter,
  operation,
  paymentId,
  queryParameters,
  replayedHeader,
  TABLE,
} from '../routes.js';

export function riskPaths(): Record<string, object> {
  return {
    '/v1/ops/merchants/{merchantId}/risk-profile': {
      get: operation({
        operationId: 'getRiskProfile',
        summary:
          'Ops: the merchant’s risk profile, defaults filled (a valid PUT body); the `Risk-Rating` header ' +
          'tells whether fraud reports tighten its limits',
        caller: 'ops',
        parameters: [merchantIdParameter],
        ok: {
          status: 200,
          description: 'The stored profile',
          id: 'RiskProfile',
          headers: { 'Risk-Rating': { $ref: '#/components/headers/RiskRating' } },
        },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
      put: operation({
        operationId: 'putRiskProfile',
        summary:
          'Ops: replace the merchant’s risk profile (absent fields take their defaults; `rejectScore` ' +
          'may not be below `reviewScore`)',
        caller: 'ops',
        parameters: [merchantIdParameter],
        requestBody: { id: 'RiskProfileRequest', required: true },
        ok: { status: 200, description: 'The profile as stored', id: 'RiskProfile' },
        problems: [...BODY, ...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/merchants/{merchantId}/risk-summary': {
      get: operation({
        operationId: 'getRiskSummary',
        summary: 'Ops: the merchant’s day of risk control (`date`, UTC; default today)',
        caller: 'ops',
        parameters: [merchantIdParameter, ...queryParameters(riskSummaryQuery)],
        ok: { status: 200, description: 'The day’s summary', id: 'RiskSummary' },
        problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/payments/{id}/review': {
      post: operation({
        operationId: 'reviewPayment',
        summary:
          'Ops: decide a payment held in risk review. `release` lets it go on; `reject` cancels it if ' +
          'processing, refunds it in full if succeeded. The same decision again changes nothing.',
        caller: 'ops',
        parameters: [paymentId],
        requestBody: { id: 'ReviewPaymentRequest', required: true },
        ok: {
          status: 200,
          description: 'The payment with its `reviewStatus` (`Idempotent-Replayed` on a repeated decision)',
          id: 'ReviewedPayment',
          headers: replayedHeader,
        },
        problems: [
          ...BODY,
          ...AUTH,
          'not-found',
          'payment-not-in-review',
          'concurrent-modification',
          ...TABLE,
        ],
      }),
    },
  };
}
