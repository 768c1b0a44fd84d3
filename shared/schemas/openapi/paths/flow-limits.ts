/** Paths of the OpenAPI document: ops routes of flow control: merchants' limits. */
import { AUTH, BODY, merchantIdParameter, operation, TABLE } from '../routes.js';

export function flowLimitsPaths(): Record<string, object> {
  return {
    '/v1/ops/merchants/{merchantId}/limits': {
      get: operation({
        operationId: 'getMerchantLimits',
        summary:
          'Ops: the merchant’s flow limits, or the defaults (`{ requestsPerSecond: 100, burst: 200 }`) when ' +
          'none are stored: always a valid PUT body',
        caller: 'ops',
        parameters: [merchantIdParameter],
        ok: { status: 200, description: 'The limits', id: 'FlowLimits' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
      put: operation({
        operationId: 'putMerchantLimits',
        summary:
          'Ops: replace the merchant’s flow limits, shared by all of its keys (an absent field takes its ' +
          'default, so `{}` resets). Applied everywhere within 2 s.',
        caller: 'ops',
        parameters: [merchantIdParameter],
        requestBody: { id: 'FlowLimitsRequest', required: true },
        ok: { status: 200, description: 'The limits as stored', id: 'FlowLimits' },
        problems: [...BODY, ...AUTH, 'not-found', ...TABLE],
      }),
    },
  };
}
