import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { GSI1, GSI4 } from '../../shared/store/keys.js';
import type { PaymentsApi } from './api.js';
import { createSuccessRateAlarm } from './canary.js';
import type { PaymentsFunction } from './payments-function.js';
import { SLO_ROUTE } from './slo-alarms.js';
import type { PaymentsTableRef } from './table.js';

/** Why `/health` has no merchant authorizer, recorded as its cdk-nag (APIG4/COG4) suppression. */
const HEALTH_IS_PUBLIC =
  'GET /health is unauthenticated by contract (docs/contract.md): uptime probes call it and it reads no data.';

/**
 * The payments API of the core service: `/health`, create / get / list payments, refunds, and the ops
 * reads of payments. Returns create-payment, which routing and the risk before-checks add grants to, and
 * the ops reads' function, which asks risk for its review queue.
 */
export function addPaymentRoutes(
  api: PaymentsApi,
  table: PaymentsTableRef,
): { createPayment: PaymentsFunction; opsPayments: PaymentsFunction } {
  const tableEnv = { TABLE_NAME: table.tableName };
  const health = api.addFunction('HealthFunction', { entry: 'api/health', description: 'GET /health' });
  api.addPublicRoute(apigw.HttpMethod.GET, '/health', health, HEALTH_IS_PUBLIC);

  const createPayment = api.addFunction('CreatePaymentFunction', {
    entry: 'api/create-payment',
    description: 'POST /v1/payments',
    environment: tableEnv,
  });
  // One conditional PutItem is both the payment and its idempotency record.
  table.grantItemActions(createPayment, 'dynamodb:PutItem');
  createPayment.deployment.addRollbackAlarm(
    createSuccessRateAlarm(api, 'CreatePaymentSuccessRateAlarm', {
      apiId: api.httpApi.apiId,
      // The foundation's API has one stage, `$default` (api.ts).
      stageName: '$default',
      route: SLO_ROUTE,
    }),
  );

  const getPayment = api.addFunction('GetPaymentFunction', {
    entry: 'api/get-payment',
    description: 'GET /v1/payments/{id}',
    environment: tableEnv,
  });

  const listPayments = api.addFunction('ListPaymentsFunction', {
    entry: 'api/list-payments',
    description: 'GET /v1/payments',
    environment: tableEnv,
  });
  // GSI1 (KEYS_ONLY, sharded) gives the page's keys; BatchGetItem fetches the items.
  table.grantItemActions(listPayments, 'dynamodb:BatchGetItem');
  table.grantIndexActions(listPayments, GSI1, 'dynamodb:Query');

  const createRefund = api.addFunction('CreateRefundFunction', {
    entry: 'api/create-refund',
    description: 'POST /v1/payments/{id}/refunds',
    environment: tableEnv,
  });
  // TransactWriteItems is authorized per item action: refund request + refund (Put), payment (Update,
  // guarded), plus the read of the payment before it.
  table.grantItemActions(
    createRefund,
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:ConditionCheckItem',
  );

  const listRefunds = api.addFunction('ListRefundsFunction', {
    entry: 'api/list-refunds',
    description: 'GET /v1/payments/{id}/refunds',
    environment: tableEnv,
  });
  table.grantItemActions(listRefunds, 'dynamodb:Query');

  const merchantRoutes: [apigw.HttpMethod, string, PaymentsFunction][] = [
    [apigw.HttpMethod.POST, '/v1/payments', createPayment],
    [apigw.HttpMethod.GET, '/v1/payments', listPayments],
    [apigw.HttpMethod.GET, '/v1/payments/{id}', getPayment],
    [apigw.HttpMethod.POST, '/v1/payments/{id}/refunds', createRefund],
    [apigw.HttpMethod.GET, '/v1/payments/{id}/refunds', listRefunds],
  ];
  for (const [method, path, fn] of merchantRoutes) api.addKeyedRoute(method, path, fn);

  // Ops reads of payments (the search and one payment), one function for both routes: a function with
  // its role and policy is three resources of a stack near CloudFormation's 500.
  const opsPayments = api.addFunction('OpsPaymentsFunction', {
    entry: 'api/ops-payments',
    description: 'GET /v1/ops/payments, GET /v1/ops/payments/{id}',
    environment: tableEnv,
  });
  // GSI1 (one merchant's payments) or GSI4 (all payments) give a page's keys; the review queue's come
  // from risk's function (its stack's useFunction).
  table.grantItemActions(opsPayments, 'dynamodb:BatchGetItem');
  table.grantIndexActions(opsPayments, GSI1, 'dynamodb:Query');
  table.grantIndexActions(opsPayments, GSI4, 'dynamodb:Query');
  api.addKeyedRoute(apigw.HttpMethod.GET, '/v1/ops/payments', opsPayments);
  api.addKeyedRoute(apigw.HttpMethod.GET, '/v1/ops/payments/{id}', opsPayments);
  return { createPayment, opsPayments };
}

/** Partition-key prefix (shared/store/keys.ts) of merchant records (request signing, the limits). */
const MERCHANT_RECORDS = 'MER#*';

/** The gateway's own ops routes: a merchant's request signing and flow limits. */
export function addGatewayRoutes(api: PaymentsApi, table: PaymentsTableRef): void {
  const tableEnv = { TABLE_NAME: table.tableName };
  // Request signing of a merchant's requests: PutItem `MER#<merchant>` / `SIGNING` only.
  const putRequestSigning = api.addKeyedFunction(
    'PutRequestSigningFunction',
    apigw.HttpMethod.PUT,
    '/v1/ops/merchants/{merchantId}/request-signing',
    { entry: 'api/put-request-signing', environment: tableEnv },
  );
  table.grantItemActionsOnKeys(putRequestSigning, ['dynamodb:PutItem'], [MERCHANT_RECORDS]);
  // Flow control's ops routes; the merchant routes' lease grant is in addKeyedRoute.
  const limitsPath = '/v1/ops/merchants/{merchantId}/limits';
  const limits = { entry: 'api/get-merchant-limits', environment: tableEnv };
  api.addKeyedFunction('GetMerchantLimitsFunction', apigw.HttpMethod.GET, limitsPath, limits);
  const putLimits = api.addKeyedFunction('PutMerchantLimitsFunction', apigw.HttpMethod.PUT, limitsPath, {
    ...limits,
    entry: 'api/put-merchant-limits',
  });
  table.grantItemActionsOnKeys(putLimits, ['dynamodb:PutItem'], [MERCHANT_RECORDS]);
}
