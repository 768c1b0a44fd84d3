import { Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Construct } from 'constructs';
import { USAGE_FILTER_PATTERN } from '../../shared/usage/record.js';
import { stageOf } from '../stages.js';
import { PaymentsFunction, type PaymentsFunctionProps } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

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

/** Why the `$default` route has no authorizer, recorded as its cdk-nag (APIG4/COG4) acknowledgement. */
const NO_ROUTE_IS_PUBLIC =
  'The $default route only answers 404 or 405 problem+json for requests no route matches; it reads no data, and an unauthenticated caller learns nothing the contract does not publish.';

/**
 * The public HTTP API and its `$default` stage, in the foundation stack: every service adds its routes to
 * it from its own stack (through a {@link PaymentsApi} over the imported API).
 *
 * HTTP API (API Gateway v2) rather than REST API: about 70% cheaper per request, lower added latency,
 * and API-key auth is done in the functions anyway (see MERCHANT_KEY_IN_FUNCTION). What REST APIs would
 * add (usage plans, API keys, request validation, WAF) we either do in the handlers (zod) or do not
 * need yet; per-merchant throttling sits next to the key lookup.
 */
export class PaymentsHttpApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  /** The `$default` stage (auto-deployed: a route another stack adds is live once that stack deploys). */
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stage = stageOf(this);
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'payments',
      description: 'Payments API (docs/contract.md, v1)',
      // Created below with throttling and access logs, which the default stage cannot be given.
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: stage.accessLogRetention,
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
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
  }

  /** The API's base URL (the `$default` stage, no trailing stage name). */
  get url(): string {
    return this.stage.url;
  }
}

/**
 * What every stack's routes have in common, app-wide: the route table (for the `$default` route's
 * function and the price list) and the functions serving a keyed route (usage metering raises their log
 * level). Plain values, shared by the stacks of one app; a stack synthesized alone has its own.
 */
export class ApiRegistry {
  /** `METHOD /path` of every route of the app. */
  readonly routeKeys: string[] = [];
  readonly keyedFunctions = new Set<lambda.Function>();
  readonly keyedListeners: ((fn: lambda.Function) => void)[] = [];
}

/** Props of {@link PaymentsApi}. */
export interface PaymentsApiProps {
  readonly table: PaymentsTableRef;
  /** The foundation's HTTP API, imported by id. */
  readonly httpApi: apigw.IHttpApi;
  /** Its base URL (the `$default` stage), read when a construct first asks for it. */
  readonly url: () => string;
  /** @default one of its own (a stack synthesized alone) */
  readonly registry?: ApiRegistry;
  /**
   * Lets a merchant route's function lease flow-control tokens from its merchant's bucket (the
   * gateway's items): the stack decides how (ServiceStack.leaseFlow). Called once per function.
   */
  readonly leaseFlow: (fn: PaymentsFunction) => void;
}

/**
 * One stack's part of the public HTTP API: its route functions (API key checked in each function) and
 * routes, added to the foundation's API. Constructs add routes through it whatever stack they are in.
 */
export class PaymentsApi extends Construct {
  readonly httpApi: apigw.IHttpApi;
  /** Every function of this stack behind a route (their failures are the API's 5xx, alarmed). */
  readonly functions: PaymentsFunction[] = [];
  /**
   * The log group every function of this stack behind a route writes to. One group rather than one per
   * function: a CloudFormation stack holds at most 500 resources, and a group per route function (with
   * its usage subscription filter) cost two of them per route. Lambda names each stream by its function's
   * version and instance, and every JSON line carries `function_name`.
   */
  readonly logGroup: logs.LogGroup;
  readonly registry: ApiRegistry;
  private readonly urlOf: () => string;
  private urlValue?: string;
  private readonly table: PaymentsTableRef;
  /** Functions of this stack serving a keyed route. */
  private readonly keyedFunctions = new Set<PaymentsFunction>();
  /** Those serving a merchant route, which lease flow-control tokens. */
  private readonly leasingFunctions = new Set<PaymentsFunction>();
  private readonly leaseFlow: (fn: PaymentsFunction) => void;
  private readonly integrations = new Map<PaymentsFunction, HttpLambdaIntegration>();
  /** Routes are created under this scope, as `HttpApi.addRoutes` would name them. */
  private readonly routes: Construct;

  constructor(scope: Construct, id: string, props: PaymentsApiProps) {
    super(scope, id);
    this.table = props.table;
    this.httpApi = props.httpApi;
    this.urlOf = props.url;
    this.leaseFlow = props.leaseFlow;
    this.registry = props.registry ?? new ApiRegistry();
    this.routes = new Construct(this, 'HttpApi');
    this.logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      retention: stageOf(this).logRetention,
      // Logs are diagnostic, not records of payments: the table and its PITR are the system of record.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** The API's base URL (the `$default` stage, no trailing stage name). */
  get url(): string {
    this.urlValue ??= this.urlOf();
    return this.urlValue;
  }

  /**
   * The `$default` route: requests no route matches get a problem+json 404, or 405 with `Allow` for a
   * known path, instead of API Gateway's `{"message":"Not Found"}`. Its function learns the route table
   * from ROUTE_KEYS, produced at synth time from the routes every stack of the app added, so routes
   * are wired in one place whatever construct adds them.
   */
  addNoRoute(environment: Record<string, string> = {}): PaymentsFunction {
    const fn = this.addFunction('NoRouteFunction', {
      entry: 'api/no-route',
      description: '$default: 404 / 405 problem for a request no route matches',
      environment: { ...environment, ROUTE_KEYS: this.routeKeysJson() },
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
    return fn;
  }

  /**
   * Adds a route whose function authenticates a merchant or ops API key itself (the role is checked in
   * the function): grants it the key lookup (GetItem, which also serves its reads of single items and of
   * the merchant's flow limits), and on merchant routes (all but `/v1/ops/`) the leases of the merchant's
   * token bucket (shared/http/rate-limit.ts), as the stack's `leaseFlow` says.
   */
  addKeyedRoute(method: apigw.HttpMethod, path: string, fn: PaymentsFunction): void {
    this.table.grantItemActions(fn, 'dynamodb:GetItem');
    if (!path.startsWith('/v1/ops/') && !this.leasingFunctions.has(fn)) {
      this.leasingFunctions.add(fn);
      this.leaseFlow(fn);
    }
    this.addPublicRoute(method, path, fn, MERCHANT_KEY_IN_FUNCTION);
    this.keyedFunctions.add(fn);
    if (!this.registry.keyedFunctions.has(fn)) {
      this.registry.keyedFunctions.add(fn);
      for (const listener of this.registry.keyedListeners) listener(fn);
    }
  }

  /**
   * Calls `listener` with every function serving a keyed route in any stack of the app, those added so
   * far and those added later (usage metering sets their log level, whatever construct adds the route).
   */
  onKeyedFunction(listener: (fn: lambda.Function) => void): void {
    this.registry.keyedListeners.push(listener);
    for (const fn of this.registry.keyedFunctions) listener(fn);
  }

  /**
   * Sends the usage lines of this stack's keyed functions (their shared log group) to the usage
   * aggregator: one subscription filter; the destination lets CloudWatch Logs invoke it from this log
   * group alone. Nothing when the stack serves no keyed route.
   */
  meterUsage(aggregator: () => lambda.IFunction): void {
    if (this.keyedFunctions.size === 0) return;
    new logs.SubscriptionFilter(this, 'UsageFilter', {
      logGroup: this.logGroup,
      destination: new LambdaDestination(aggregator()),
      filterPattern: logs.FilterPattern.literal(USAGE_FILTER_PATTERN),
      filterName: 'usage',
    });
  }

  /** The JSON array of every route key of the app, sorted, produced at synth time (once all are added). */
  routeKeysJson(): string {
    return Lazy.string({ produce: () => JSON.stringify([...this.registry.routeKeys].sort()) });
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

  /** A function of this API's house style, writing to the stack's API log group. For routes. */
  addFunction(id: string, props: PaymentsFunctionProps): PaymentsFunction {
    const fn = new PaymentsFunction(this, id, { logGroup: this.logGroup, ...props });
    this.functions.push(fn);
    return fn;
  }

  /**
   * Adds a route without an API Gateway authorizer. `reason` says why that is safe and is recorded as
   * the cdk-nag acknowledgement of the authorization rules on exactly this route.
   */
  addPublicRoute(method: apigw.HttpMethod, path: string, fn: PaymentsFunction, reason: string): void {
    this.registry.routeKeys.push(`${method} ${path}`);
    // One integration per function: a second route of a function adds a route and its permission only.
    let integration = this.integrations.get(fn);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn.invocable);
      this.integrations.set(fn, integration);
    }
    const route = new apigw.HttpRoute(this.routes, `${method}${path}`, {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.with(path, method),
      integration,
      authorizer: new apigw.HttpNoneAuthorizer(),
    });
    Validations.of(route).acknowledge(
      { id: 'AwsSolutions-APIG4', reason },
      { id: 'AwsSolutions-COG4', reason },
    );
  }
}
