import type { Service } from './data-ownership.js';

/**
 * The service each function belongs to, by its handler (`functions/<entry>.ts`): the one table the grants
 * (table-grants.ts), the ownership tests and the stacks of each service read. A function missing here
 * cannot be granted table access (synthesis fails), so a new handler is placed before it ships.
 */
export const FUNCTION_SERVICES: Readonly<Record<string, Service>> = {
  'api/health': 'core',
  'api/no-route': 'core',
  'api/create-payment': 'core',
  'api/get-payment': 'core',
  'api/list-payments': 'core',
  'api/create-refund': 'core',
  'api/list-refunds': 'core',
  'api/ops-payments': 'core',
  'events/publisher': 'core',
  'internal/apply-risk-decisions': 'core',
  'internal/settlement-lines': 'core',
  'internal/channel-day-outcomes': 'core',
  'internal/apply-channel-outcomes': 'core',
  'internal/payment-customer': 'core',
  'internal/payment-events': 'core',
  'internal/object-states': 'core',

  'channels/callback': 'channels',
  'channels/dispatch': 'channels',
  'channels/check': 'channels',
  'events/channel-health': 'channels',
  'api/list-channels': 'channels',
  'api/get-channel': 'channels',
  'api/put-channel': 'channels',
  'api/get-routing-config': 'channels',
  'api/put-routing-config': 'channels',
  'internal/channel-fees': 'channels',
  'internal/channel-health-summary': 'channels',
  'internal/routing-config': 'channels',
  'internal/channel-facts': 'channels',

  'events/risk': 'risk',
  'api/get-risk-profile': 'risk',
  'api/put-risk-profile': 'risk',
  'api/get-risk-summary': 'risk',
  'api/create-fraud-report': 'risk',
  'api/review-payment': 'risk',
  'internal/hold-counts': 'risk',
  'internal/held-payments': 'risk',
  'internal/review-queue': 'risk',
  'internal/set-holds': 'risk',
  'internal/count-refusal': 'risk',
  'internal/rate-merchant': 'risk',
  'internal/merchant-risk-profile': 'risk',

  'api/upload-statement': 'reconciliation',
  'api/start-reconciliation-run': 'reconciliation',
  'api/get-reconciliation-run': 'reconciliation',
  'api/list-reconciliation-discrepancies': 'reconciliation',
  'api/resolve-discrepancy': 'reconciliation',
  'events/reconcile-run': 'reconciliation',
  'internal/open-discrepancies': 'reconciliation',

  'api/start-settlement-run': 'settlement',
  'api/get-settlement-run': 'settlement',
  'api/get-settlement': 'settlement',
  'api/list-settlements': 'settlement',
  'settlement/start-run': 'settlement',
  'settlement/settle-merchant': 'settlement',
  'settlement/pay-out': 'settlement',
  'settlement/record-payout-failure': 'settlement',
  'settlement/finish-run': 'settlement',

  'api/create-webhook-endpoint': 'webhooks',
  'api/list-webhook-deliveries': 'webhooks',
  'events/merchant-webhooks': 'webhooks',

  'api/create-merchant': 'gateway',
  'api/get-merchant': 'gateway',
  'api/list-merchants': 'gateway',
  'api/review-merchant': 'gateway',
  'api/suspend-merchant': 'gateway',
  'api/reinstate-merchant': 'gateway',
  'api/issue-api-key': 'gateway',
  'api/list-api-keys': 'gateway',
  'api/revoke-api-key': 'gateway',
  'api/roll-api-key': 'gateway',
  'api/get-merchant-limits': 'gateway',
  'api/put-merchant-limits': 'gateway',
  'api/put-request-signing': 'gateway',
  'api/get-merchant-usage': 'gateway',
  'api/get-billing-prices': 'gateway',
  'api/put-billing-prices': 'gateway',
  'api/get-billing-statement': 'gateway',
  'usage/aggregate-usage': 'gateway',
  'internal/merchant-registry': 'gateway',
  'internal/flow-lease': 'gateway',

  'api/console': 'console',
  'api/list-dead-letter-queues': 'console',
  'api/list-dead-letter-messages': 'console',
  'api/list-dead-letter-redrives': 'console',
  'api/redrive-dead-letter-queue': 'console',
};

/** The service of a handler, from its entry (`api/create-payment`) or source (`functions/api/x.ts`). */
export function serviceOf(handler: string): Service {
  const entry = handler.replace(/^functions\//, '').replace(/\.ts$/, '');
  const service = FUNCTION_SERVICES[entry];
  if (!service)
    throw new Error(`${entry} belongs to no service: add it to infra/services/function-services.ts`);
  return service;
}
