import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GSI1 } from '../../shared/store/keys.js';
import { PaymentsFunction, type PaymentsFunctionProps } from './payments-function.js';
import type { PaymentsTable } from './table.js';

/**
 * Stage-wide throttle. It protects the table and the channels from a runaway client; per-merchant
 * limits come later from the authorizer/route settings, since HTTP APIs have no usage plans.
 */
const DEFAULT_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/** One line of JSON per request; `merchantId` comes from the authorizer's context. */
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
    authorizerError: '$context.authorizer.error',
    merchantId: '$context.authorizer.merchantId',
  }),
);

/** Why `/health` has no merchant authorizer, recorded as its cdk-nag (APIG4/COG4) suppression. */
const HEALTH_IS_PUBLIC =
  'GET /health is unauthenticated by contract (CONTRACT.md): uptime probes call it and it reads no data.';

/** Props of {@link PaymentsApi}. */
export interface PaymentsApiProps {
  readonly table: PaymentsTable;
}

/**
 * The public HTTP API: merchant routes behind a Lambda authorizer, plus `/health`.
 *
 * HTTP API (API Gateway v2) rather than REST API: about 70% cheaper per request, lower added latency,
 * and a Lambda authorizer with cached simple responses covers our API-key auth. What REST APIs would
 * add (usage plans, API keys, request validation, WAF) we either do in the authorizer/handlers (zod)
 * or do not need yet; per-merchant throttling will come from the authorizer/route settings.
 */
export class PaymentsApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  /** The `$default` stage; its URL is the API's base URL. */
  readonly stage: apigw.HttpStage;
  /** Every function behind a route or the authorizer, for alarms. */
  readonly functions: PaymentsFunction[] = [];

  constructor(scope: Construct, id: string, props: PaymentsApiProps) {
    super(scope, id);
    const { table } = props;
    const tableEnv = { TABLE_NAME: table.tableName };

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'payments',
      description: 'Payments API (CONTRACT.md v1)',
      // Created below with throttling and access logs, which the default stage cannot be given.
      createDefaultStage: false,
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const authorizerFn = this.addFunction('AuthorizerFunction', {
      entry: 'api/authorizer',
      description: 'HTTP API authorizer: bearer API key -> merchant',
      environment: tableEnv,
    });
    table.grantItemActions(authorizerFn, 'dynamodb:GetItem');
    const authorizer = new HttpLambdaAuthorizer('MerchantAuthorizer', authorizerFn, {
      authorizerName: 'merchant-api-key',
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // A key's merchant never changes; a revoked key keeps working for at most this long.
      resultsCacheTtl: Duration.minutes(5),
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

    const getPayment = this.addFunction('GetPaymentFunction', {
      entry: 'api/get-payment',
      description: 'GET /v1/payments/{id}',
      environment: tableEnv,
    });
    table.grantItemActions(getPayment, 'dynamodb:GetItem');

    const listPayments = this.addFunction('ListPaymentsFunction', {
      entry: 'api/list-payments',
      description: 'GET /v1/payments',
      environment: tableEnv,
    });
    // GSI1 (KEYS_ONLY) gives the page's keys; BatchGetItem fetches the items.
    table.grantItemActions(listPayments, 'dynamodb:Query', 'dynamodb:BatchGetItem');
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
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
    );

    const listRefunds = this.addFunction('ListRefundsFunction', {
      entry: 'api/list-refunds',
      description: 'GET /v1/payments/{id}/refunds',
      environment: tableEnv,
    });
    table.grantItemActions(listRefunds, 'dynamodb:GetItem', 'dynamodb:Query');

    const merchantRoutes: [apigw.HttpMethod, string, PaymentsFunction][] = [
      [apigw.HttpMethod.POST, '/v1/payments', createPayment],
      [apigw.HttpMethod.GET, '/v1/payments', listPayments],
      [apigw.HttpMethod.GET, '/v1/payments/{id}', getPayment],
      [apigw.HttpMethod.POST, '/v1/payments/{id}/refunds', createRefund],
      [apigw.HttpMethod.GET, '/v1/payments/{id}/refunds', listRefunds],
    ];
    for (const [method, path, fn] of merchantRoutes) {
      this.httpApi.addRoutes({
        path,
        methods: [method],
        integration: new HttpLambdaIntegration(`${fn.node.id}Integration`, fn),
        authorizer,
      });
    }
  }

  /** The API's base URL (the `$default` stage, no trailing stage name). */
  get url(): string {
    return this.stage.url;
  }

  /**
   * Adds a route without merchant auth. `reason` says why that is safe and is recorded as the
   * cdk-nag suppression of the authorization rules on exactly this route.
   */
  addPublicRoute(method: apigw.HttpMethod, path: string, fn: PaymentsFunction, reason: string): void {
    const routes = this.httpApi.addRoutes({
      path,
      methods: [method],
      integration: new HttpLambdaIntegration(`${fn.node.id}Integration`, fn),
      authorizer: new apigw.HttpNoneAuthorizer(),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge(
        { id: 'AwsSolutions-APIG4', reason },
        { id: 'AwsSolutions-COG4', reason },
      );
    }
  }

  private addFunction(id: string, props: PaymentsFunctionProps): PaymentsFunction {
    const fn = new PaymentsFunction(this, id, props);
    this.functions.push(fn);
    return fn;
  }
}
