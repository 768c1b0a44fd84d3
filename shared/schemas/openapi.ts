/**
 * The OpenAPI 3.1 document of the public API, built from the same zod schemas the handlers validate
 * with: no JSON Schema is written by hand. `npm run openapi` writes it to `docs/openapi.json`; a unit
 * test fails when the committed file and this builder disagree.
 *
 * The paths are written per area (openapi/paths/), the components and the route machinery beside them
 * (openapi/). Tooling only: no handler imports these modules, so `toJSONSchema` stays out of the Lambda
 * bundles.
 */
import { componentsSection } from './openapi/components.js';
import { channelHealthPaths } from './openapi/paths/channel-health.js';
import { channelPaths } from './openapi/paths/channels.js';
import { deadLetterPaths } from './openapi/paths/dead-letters.js';
import { flowLimitsPaths } from './openapi/paths/flow-limits.js';
import { merchantPaths } from './openapi/paths/merchants.js';
import { opsConsolePaths } from './openapi/paths/ops-console.js';
import { opsPaymentPaths } from './openapi/paths/ops-payments.js';
import { paymentPaths } from './openapi/paths/payments.js';
import { reconciliationPaths } from './openapi/paths/reconciliation.js';
import { riskPaths } from './openapi/paths/risk.js';
import { routingPaths } from './openapi/paths/routing.js';
import { settlementPaths } from './openapi/paths/settlement.js';
import { usagePaths } from './openapi/paths/usage.js';
import { webhookEndpointPaths } from './openapi/paths/webhook-endpoints.js';
import { PAYMENT_WEBHOOK_TYPES, REFUND_WEBHOOK_TYPES } from './openapi/response-schemas.js';
import { webhook } from './openapi/routes.js';

export { eventDetailComponent } from './openapi/components.js';
export { idempotencyKeySchema } from './openapi/response-schemas.js';

/** Builds the OpenAPI 3.1 document of every public route the contract has today. */
export function buildOpenApi(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Payments API',
      version: 'v1',
      description:
        'Generated from the zod schemas in shared/schemas (`npm run openapi`). Amounts are integers in minor ' +
        'units; errors are RFC 9457 problem details; unknown fields in a request body answer 400. ' +
        '`webhooks` describes what merchant endpoints receive; the `…EventDetail` components describe the ' +
        '`detail` of the events on the EventBridge bus `payments`, for consumers.',
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'Local runtime (`npm start`)' }],
    paths: {
      ...paymentPaths(),
      ...webhookEndpointPaths(),
      ...riskPaths(),
      ...opsPaymentPaths(),
      ...routingPaths(),
      ...flowLimitsPaths(),
      ...merchantPaths(),
      ...reconciliationPaths(),
      ...settlementPaths(),
      ...deadLetterPaths(),
      ...opsConsolePaths(),
      ...channelPaths(),
      ...channelHealthPaths(),
      ...usagePaths(),
    },
    webhooks: {
      payment: webhook(`A payment event (${PAYMENT_WEBHOOK_TYPES.join(', ')})`, 'PaymentWebhookEvent'),
      refund: webhook(`A refund event (${REFUND_WEBHOOK_TYPES.join(', ')})`, 'RefundWebhookEvent'),
    },
    components: componentsSection(),
  };
}
