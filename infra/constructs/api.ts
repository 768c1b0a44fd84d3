import { Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GSI1, GSI4 } from '../../shared/store/keys.js';
import { createSuccessRateAlarm } from './canary.js';
import { PaymentsFunction, type PaymentsFunctionProps } from './payments-function.js';
import { SLO_ROUTE } from './slo-alarms.js';
import type { PaymentsTable } from './table.js';

/**
 * Stage-wide throttle: the ceiling of the whole API, whatever merchants' own limits. Per-merchant limits
 * are a token bucket next to the key lookup (shared/http/rate-limit.ts), since HTTP APIs have no usage
 * plans; they are what keeps one merchant from flooding the others. The default is API Gateway's own
 * account-level quota per Region (10,000 requests a second, burst 5,000: docs/scale.md), so the stage adds
 * no lower ceiling of its own; `-c apiThrottle=<rate>,<burst>` sets another, e.g. below a raised quota.
 */
const DEFAULT_THROTTLE = { rateLimit: 10_000, burstLimit: 5_000 } as const;

/** The stage throttle from the `apiThrottle` context (`<rate>,<burst>`), or the default. */
export function stageThrottle(context: unknown): { rateLimit: number; burstLimit: number } {
  if (context === undefined) return DEFAULT_THROTTLE;
  const [rate, burst] = String(context).split(',').map(Number);
  if (!Number.isInteger(rate) || !Number.isInteger(burst) || (rate ?? 0) < 1 || (burst ?? 0) < 1)
    throw new Error(`apiThrottle must be "<rate>,<burst>" in whole requests, not "${String(context)}"`);
  return { rateLimit: rate as number, burstLimit: burst as number };
}

/** Partition-key prefixes (shared/store/keys.ts): merchant records (the limits), token bucket shards. */
const MERCHANT_RECORDS = 'MER#*';
const FLOW_BUCKETS = 'FLOW#*';

/** One line of JSON per request. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/**
 * Why merchant routes have no API Gateway authorizer, recorded as their cdk-nag (APIG4/COG4)
 * acknowledgement: the function authenticates the API key itself (shared/http/api-key-resolver.ts).
 */
const MERCHANT_KEY_IN_FUNCTION =
  "Merchant routes are authenticated by API key inside the function (shared/http/api-key-resolver.ts: SHA-256 digest lookup, cached per container): an HTTP API Lambda authorizer cannot answer the contract's 401 problem+json for a missing or unknown key (it returns fixed 401/403 bodies) and costs an extra invocation per uncached key.";

/** Why `/health` has no merchant authorizer, recorded as its cdk-nag (APIG4/COG4) suppression. */
const HEALTH_IS_PUBLIC =
  'GET /health is unauthenticated by contract (docs/contract.md): uptime probes call it and it reads no data.';

/** Why the `$default` route has no authorizer, recorded as its cdk-nag (APIG4/COG4) acknowledgement. */
const NO_ROUTE_IS_PUBLIC =
  'The $default route only answers 404 or 405 problem+json for requests no route matches; it reads no data, and an unauthenticated caller learns nothing the contract does not publish.';

/** Props of {@link PaymentsApi}. */
export interface PaymentsApiProps {
  readonly table: PaymentsTable;
}

/**
 * The public HTTP API: merchant routes (API key checked in each function), the channel callback and `/health`.
 *
 * HTTP API (API Gateway v2) rather than REST API: about 70% cheaper per request, lower added latency,
 * and API-key auth is done in the functions anyway (see MERCHANT_KEY_IN_FUNCTION). What REST APIs would
 * add (usage plans, API keys, request validation, WAF) we either do in the handlers (zod) or do not
 * need yet; per-merchant throttling will sit next to the key lookup.
 */
export class PaymentsApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  /** The `$default` stage; its URL is the API's base URL. */
  readonly stage: apigw.HttpStage;
  /** Every function behind a route, for the dashboard (their failures are the API's 5xx, alarmed). */
  readonly functions: PaymentsFunction[] = [];
  /**
   * The log group every function behind a route writes to. One group rather than one per function: a
   * CloudFormation stack holds at most 500 resources, and a group per route function (with its usage
   * subscription filter) cost two of them per route. Lambda names each stream by its function's version
   * and instance, and every JSON line carries `function_name`.
   */
  readonly logGroup: logs.LogGroup;
  /** POST /v1/payments; risk control (risk.ts) adds the grants of its before-checks. */
  readonly createPaymentFunction: PaymentsFunction;
  private readonly table: PaymentsTable;
  /** `METHOD /path` of every route, for the `$default` route's function. */
  private readonly routeKeys: string[] = [];
  /** Functions serving a keyed route (merchant or ops key): the ones whose answers are metered. */
  private readonly keyedFunctions = new Set<PaymentsFunction>();
  private readonly keyedListeners: ((fn: PaymentsFunction) => void)[] = [];
  private readonly integrations = new Map<PaymentsFunction, HttpLambdaIntegration>();

  constructor(scope: Construct, id: string, props: PaymentsApiProps) {
    super(scope, id);
    const { table } = props;
    this.table = table;
    const tableEnv = { TABLE_NAME: table.tableName };

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'payments',
      description: 'Payments API (docs/contract.md, v1)',
      // Created below with throttling and access logs, which the default stage cannot be given.
      createDefaultStage: false,
    });

    this.logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      // Logs are diagnostic, not records of payments: the table and its PITR are the system of record.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: stageThrottle(this.node.tryGetContext('apiThrottle')),
      // Per-route metrics (ApiId, Stage, Route): the dashboard's latency and errors by route and the SLO
      // alarms of POST /v1/payments (monitoring.ts). Billed as custom metrics, only for routes that serve
      // requests in the hour (docs/architecture.md, "Dashboards and SLOs").
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const health = this.addFunction('HealthFunction', {
      entry: 'api/health',
      description: 'GET /health',
    });
    this.addPublicRoute(apigw.HttpMethod.GET, '/health', health, HEALTH_IS_PUBLIC);

    const createPayment = this.addFunction('CreatePaymentFunction', {
      entry: 'api/create-payment',
      description: 'POST /v1/payments',
      environment: tableEnv,
    });
    // One conditional PutItem is both the payment and its idempotency record.
    table.grantItemActions(createPayment, 'dynamodb:PutItem');
    this.createPaymentFunction = createPayment;
    createPayment.deployment.addRollbackAlarm(
      createSuccessRateAlarm(this, 'CreatePaymentSuccessRateAlarm', {
        apiId: this.httpApi.apiId,
        stageName: this.stage.stageName,
        route: SLO_ROUTE,
      }),
    );

    const getPayment = this.addFunction('GetPaymentFunction', {
      entry: 'api/get-payment',
      description: 'GET /v1/payments/{id}',
      environment: tableEnv,
    });

    const listPayments = this.addFunction('ListPaymentsFunction', {
      entry: 'api/list-payments',
      description: 'GET /v1/payments',
      environment: tableEnv,
    });
    // GSI1 (KEYS_ONLY, sharded) gives the page's keys; BatchGetItem fetches the items.
    table.grantItemActions(listPayments, 'dynamodb:BatchGetItem');
    table.grantIndexActions(listPayments, GSI1, 'dynamodb:Query');

    const createRefund = this.addFunction('CreateRefundFunction', {
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

    const listRefunds = this.addFunction('ListRefundsFunction', {
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
    for (const [method, path, fn] of merchantRoutes) this.addKeyedRoute(method, path, fn);

    // Ops reads of payments (the search and one payment), one function for both routes: a function with
    // its role and policy is three resources of a stack near CloudFormation's 500.
    const opsPayments = this.addFunction('OpsPaymentsFunction', {
      entry: 'api/ops-payments',
      description: 'GET /v1/ops/payments, GET /v1/ops/payments/{id}',
      environment: tableEnv,
    });
    // GSI1 (one merchant's payments) or GSI4 (all payments, the review queue) give a page's keys.
    table.grantItemActions(opsPayments, 'dynamodb:BatchGetItem');
    table.grantIndexActions(opsPayments, GSI1, 'dynamodb:Query');
    table.grantIndexActions(opsPayments, GSI4, 'dynamodb:Query');
    this.addKeyedRoute(apigw.HttpMethod.GET, '/v1/ops/payments', opsPayments);
    this.addKeyedRoute(apigw.HttpMethod.GET, '/v1/ops/payments/{id}', opsPayments);

    // Request signing of a merchant's requests: PutItem `MER#<merchant>` / `SIGNING` only.
    const putRequestSigning = this.addKeyedFunction(
      'PutRequestSigningFunction',
      apigw.HttpMethod.PUT,
      '/v1/ops/merchants/{merchantId}/request-signing',
      { entry: 'api/put-request-signing', environment: tableEnv },
    );
    table.grantItemActionsOnKeys(putRequestSigning, ['dynamodb:PutItem'], ['MER#*']);
    // Flow control's ops routes; the merchant routes' lease grant is in addKeyedRoute.
    const limitsPath = '/v1/ops/merchants/{merchantId}/limits';
    const limits = { entry: 'api/get-merchant-limits', environment: tableEnv };
    this.addKeyedFunction('GetMerchantLimitsFunction', apigw.HttpMethod.GET, limitsPath, limits);
    const putLimits = this.addKeyedFunction('PutMerchantLimitsFunction', apigw.HttpMethod.PUT, limitsPath, {
      ...limits,
      entry: 'api/put-merchant-limits',
    });
    table.grantItemActionsOnKeys(putLimits, ['dynamodb:PutItem'], [MERCHANT_RECORDS]);
    this.addNoRoute();
  }

  /**
   * The `$default` route: requests no route matches get a problem+json 404, or 405 with `Allow` for a
   * known path, instead of API Gateway's `{"message":"Not Found"}`. Its function learns the route table
   * from ROUTE_KEYS, produced at synth time from the routes added through `addPublicRoute`, so routes
   * are wired in one place whatever construct adds them.
   */
  private addNoRoute(): void {
    const fn = this.addFunction('NoRouteFunction', {
      entry: 'api/no-route',
      description: '$default: 404 / 405 problem for a request no route matches',
      environment: {
        ROUTE_KEYS: this.routeKeysJson(),
      },
    });
    const route = new apigw.HttpRoute(this, 'NoRoute', {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('NoRouteFunctionIntegration', fn.invocable),
      authorizer: new apigw.HttpNoneAuthorizer(),
    });
    Validations.of(route).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: NO_ROUTE_IS_PUBLIC },
      { id: 'AwsSolutions-COG4', reason: NO_ROUTE_IS_PUBLIC },
    );
  }

  /**
   * Adds a route whose function authenticates a merchant or ops API key itself (the role is checked in
   * the function): grants it the key lookup (GetItem, which also serves its reads of single items and of
   * the merchant's flow limits), and on merchant routes (all but `/v1/ops/`) the leases of the merchant's
   * token bucket (UpdateItem `FLOW#…`, shared/http/rate-limit.ts).
   */
  addKeyedRoute(method: apigw.HttpMethod, path: string, fn: PaymentsFunction): void {
    this.table.grantItemActions(fn, 'dynamodb:GetItem');
    if (!path.startsWith('/v1/ops/'))
      this.table.grantItemActionsOnKeys(fn, ['dynamodb:UpdateItem'], [FLOW_BUCKETS]);
    this.addPublicRoute(method, path, fn, MERCHANT_KEY_IN_FUNCTION);
    if (!this.keyedFunctions.has(fn)) {
      this.keyedFunctions.add(fn);
      for (const listener of this.keyedListeners) listener(fn);
    }
  }

  /**
   * Calls `listener` with every function serving a keyed route, those added so far and those added later
   * (usage metering subscribes to their logs whatever construct adds the route, and whenever).
   */
  onKeyedFunction(listener: (fn: PaymentsFunction) => void): void {
    this.keyedListeners.push(listener);
    for (const fn of this.keyedFunctions) listener(fn);
  }

  /** The JSON array of every route key, sorted, produced at synth time (once all routes are added). */
  routeKeysJson(): string {
    return Lazy.string({ produce: () => JSON.stringify([...this.routeKeys].sort()) });
  }

  /**
   * A function serving one keyed route (see addKeyedRoute), described by its route: the usual way other
   * constructs add a route. Their table grants beyond the key lookup are theirs to add on the result.
   */
  addKeyedFunction(
    id: string,
    method: apigw.HttpMethod,
    path: string,
    props: Pick<PaymentsFunctionProps, 'entry' | 'environment'>,
  ): PaymentsFunction {
    const fn = this.addFunction(id, { ...props, description: `${method} ${path}` });
    this.addKeyedRoute(method, path, fn);
    return fn;
  }

  /**
   * A function of this API's house style, writing to the API's log group, shown on the dashboard. For
   * routes added by other constructs.
   */
  addFunction(id: string, props: PaymentsFunctionProps): PaymentsFunction {
    const fn = new PaymentsFunction(this, id, { logGroup: this.logGroup, ...props });
    this.functions.push(fn);
    return fn;
  }

  /** The API's base URL (the `$default` stage, no trailing stage name). */
  get url(): string {
    return this.stage.url;
  }

  /**
   * Adds a route without an API Gateway authorizer. `reason` says why that is safe and is recorded as
   * the cdk-nag acknowledgement of the authorization rules on exactly this route.
   */
  addPublicRoute(method: apigw.HttpMethod, path: string, fn: PaymentsFunction, reason: string): void {
    this.routeKeys.push(`${method} ${path}`);
    // One integration per function: a second route of a function adds a route and its permission only.
    let integration = this.integrations.get(fn);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn.invocable);
      this.integrations.set(fn, integration);
    }
    const routes = this.httpApi.addRoutes({
      path,
      methods: [method],
      integration,
      authorizer: new apigw.HttpNoneAuthorizer(),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge(
        { id: 'AwsSolutions-APIG4', reason },
        { id: 'AwsSolutions-COG4', reason },
      );
    }
  }
}
