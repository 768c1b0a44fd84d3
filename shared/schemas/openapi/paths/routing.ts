/** Paths of the OpenAPI document: ops routes of merchants' routing configurations and request signing. */
import { AUTH, BODY, merchantIdParameter, operation, TABLE } from '../routes.js';

export function routingPaths(): Record<string, object> {
  return {
    '/v1/ops/merchants/{merchantId}/routing': {
      get: operation({
        operationId: 'getRoutingConfig',
        summary:
          'Ops: the merchant’s routing configuration (rules in order, default, daily quotas), or the default ' +
          '(priority over ["sandbox"]) when none is stored: always a valid PUT body',
        caller: 'ops',
        parameters: [merchantIdParameter],
        ok: { status: 200, description: 'The configuration', id: 'RoutingConfig' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
      put: operation({
        operationId: 'putRoutingConfig',
        summary:
          'Ops: replace the merchant’s routing configuration (absent parts take their defaults, so `{}` ' +
          'resets). Takes effect for new payments within 2 s.',
        caller: 'ops',
        parameters: [merchantIdParameter],
        requestBody: { id: 'RoutingConfigRequest', required: true },
        ok: { status: 200, description: 'The configuration as stored', id: 'RoutingConfig' },
        problems: [...BODY, ...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/merchants/{merchantId}/request-signing': {
      put: operation({
        operationId: 'putRequestSigning',
        summary:
          'Ops: require (or stop requiring) the merchant to sign its requests. Turning it on answers the ' +
          'secret, once; `true` again keeps it and answers without it. Applies within 2 s.',
        caller: 'ops',
        parameters: [merchantIdParameter],
        requestBody: { id: 'RequestSigningRequest', required: true },
        ok: { status: 200, description: 'The requirement as stored', id: 'RequestSigning' },
        problems: [...BODY, ...AUTH, 'not-found', ...TABLE],
      }),
    },
  };
}
