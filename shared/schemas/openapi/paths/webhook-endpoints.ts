/** Paths of the OpenAPI document: Merchant webhook endpoints and their deliveries. */
import { listWebhookDeliveriesQuery, webhookEndpointIdSchema } from '../../webhooks.js';
import { inline } from '../json-schema.js';
import { AUTH, BODY, operation, queryParameters, TABLE } from '../routes.js';

export function webhookEndpointPaths(): Record<string, object> {
  const endpointId = { name: 'id', in: 'path', required: true, schema: inline(webhookEndpointIdSchema) };
  return {
    '/v1/webhook-endpoints': {
      post: operation({
        operationId: 'createWebhookEndpoint',
        summary:
          'Register an endpoint for the merchant’s payment and refund events; the answer carries its ' +
          'signing secret, the only time it is shown',
        caller: 'merchant',
        requestBody: { id: 'CreateWebhookEndpointRequest', required: true },
        ok: {
          status: 201,
          description: 'The endpoint with its `secret`, created (or replayed)',
          id: 'WebhookEndpoint',
        },
        problems: [...BODY, ...AUTH, 'concurrent-modification', 'idempotency-key-reused', ...TABLE],
        idempotent: { replayedProblems: [] },
      }),
    },
    '/v1/webhook-endpoints/{id}/deliveries': {
      get: operation({
        operationId: 'listWebhookDeliveries',
        summary: 'The endpoint’s delivery attempts, newest first. Another merchant’s endpoint answers 404.',
        caller: 'merchant',
        parameters: [endpointId, ...queryParameters(listWebhookDeliveriesQuery)],
        ok: { status: 200, description: 'A page of attempts', id: 'WebhookDeliveryList' },
        problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
      }),
    },
  };
}
