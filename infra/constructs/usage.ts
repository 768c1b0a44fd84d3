import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PaymentsApi } from './api.js';
import type { Monitoring } from './monitoring.js';
import { EVENT_MEMORY_MB, PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

export interface UsageProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
  readonly monitoring: Monitoring;
}

/** Partition-key prefixes (shared/store/keys.ts): usage counters and batch markers, the price list. */
const USAGE_RECORDS = ['USAGE#*', 'USAGEBATCH#*'];
const USAGE_COUNTERS = 'USAGE#*';
const BILLING_RECORDS = 'BILLING';

/**
 * Usage metering and billing.
 *
 * Every function serving a keyed route writes one usage line per answer to a merchant key
 * (shared/http/usage-meter.ts). A subscription filter on each such function's log group sends those lines,
 * in batches, to the usage aggregator, which applies each batch once (a marker in the counters'
 * transaction). Asynchronous invocation: Lambda retries a failed batch twice, then puts it in the
 * dead-letter queue (alarmed). The ops dead-letter routes list it (`usage-aggregator`) and redrive it to the
 * replay queue, which the aggregator also reads: a replay is safe, the marker refuses what was applied. The metered
 * functions log at INFO so that Lambda's level filter keeps the usage line (their other INFO line is the
 * 4xx "request refused"; START/REPORT system lines stay filtered at WARN).
 *
 * Routes: ops usage per merchant, ops price list, the merchant's monthly statement. Grants beyond the key
 * lookup (GetItem): Query `USAGE…` for the usage readers, PutItem `BILLING` for the price list, PutItem and
 * UpdateItem `USAGE…` for the aggregator (its TransactWriteItems is authorized per item action).
 */
export class Usage extends Construct {
  readonly aggregator: PaymentsFunction;
  readonly deadLetterQueue: sqs.Queue;
  /** Where a redrive of the DLQ sends batches back: the aggregator reads it too. */
  readonly replayQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: UsageProps) {
    super(scope, id);
    const { api, table, monitoring } = props;
    const environment = { TABLE_NAME: table.tableName };

    this.aggregator = new PaymentsFunction(this, 'UsageAggregatorFunction', {
      entry: 'usage/aggregate-usage',
      description: 'Applies batches of usage log lines to usage counters, once each',
      timeout: Duration.seconds(60),
      memorySize: EVENT_MEMORY_MB,
      environment,
    });
    table.grantItemActionsOnKeys(this.aggregator, ['dynamodb:PutItem', 'dynamodb:UpdateItem'], USAGE_RECORDS);

    this.deadLetterQueue = new sqs.Queue(this, 'UsageAggregatorDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the usage aggregator’s asynchronous-invocation DLQ (cdk-nag only recognises redrive-policy DLQs).',
    });
    // The DLQ of asynchronous invocations keeps the event itself as the message body: a replay is an
    // invocation of the aggregator with that body.
    (this.aggregator.node.defaultChild as lambda.CfnFunction).deadLetterConfig = {
      targetArn: this.deadLetterQueue.queueArn,
    };
    this.deadLetterQueue.grantSendMessages(this.aggregator);
    // Retries of asynchronous invocations are configured per qualifier: the subscription invokes `live`.
    this.aggregator.invocable.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    // The ops redrive route moves dead-lettered batches here (its SQS move task needs a source queue with
    // the DLQ as its redrive target); the aggregator applies them like a delivery, once each.
    this.replayQueue = new sqs.Queue(this, 'UsageAggregatorQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // 6 × the aggregator's timeout (AWS's recommendation for a Lambda event source).
      visibilityTimeout: Duration.seconds(360),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });
    this.aggregator.invocable.addEventSource(
      new SqsEventSource(this.replayQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    monitoring.watchFunction(this.aggregator);
    monitoring.watchDeadLetterQueue(this.deadLetterQueue);

    // Each stack's route functions share one log group (api.ts): one filter per stack takes every usage
    // line to the aggregator (PaymentsApi.meterUsage, called once a stack's routes are added). The metered
    // functions of every stack log at INFO.
    api.onKeyedFunction((fn) => {
      (fn.node.defaultChild as lambda.CfnFunction).addPropertyOverride(
        'LoggingConfig.ApplicationLogLevel',
        'INFO',
      );
    });

    const usageFn = api.addKeyedFunction(
      'GetMerchantUsageFunction',
      apigw.HttpMethod.GET,
      '/v1/ops/merchants/{merchantId}/usage',
      {
        entry: 'api/get-merchant-usage',
        environment,
      },
    );
    const statementFn = api.addKeyedFunction(
      'GetBillingStatementFunction',
      apigw.HttpMethod.GET,
      '/v1/billing/statements/{month}',
      { entry: 'api/get-billing-statement', environment },
    );
    for (const fn of [usageFn, statementFn])
      table.grantItemActionsOnKeys(fn, ['dynamodb:Query'], [USAGE_COUNTERS]);
    api.addKeyedFunction('GetBillingPricesFunction', apigw.HttpMethod.GET, '/v1/ops/billing/prices', {
      entry: 'api/get-billing-prices',
      environment,
    });
    const putPrices = api.addKeyedFunction(
      'PutBillingPricesFunction',
      apigw.HttpMethod.PUT,
      '/v1/ops/billing/prices',
      {
        entry: 'api/put-billing-prices',
        environment: { ...environment, ROUTE_KEYS: api.routeKeysJson() },
      },
    );
    table.grantItemActionsOnKeys(putPrices, ['dynamodb:PutItem'], [BILLING_RECORDS]);
  }
}
