import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../shared/webhooks/backoff.js';
import { WEBHOOK_DETAIL_TYPES } from '../../shared/webhooks/event-types.js';
import type { PaymentsApi } from './api.js';
import type { EventConsumer, Events } from './events.js';
import type { PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/**
 * Records per invocation. Each record fans out to its merchant's endpoints in parallel, and records run
 * in parallel too, so a batch takes about one delivery timeout (5 s) plus the table writes.
 */
const BATCH_SIZE = 10;
/** Covers a batch whose every delivery times out (5 s), with room for the table writes around them. */
const CONSUMER_TIMEOUT = Duration.seconds(30);

/** Props of {@link MerchantWebhooks}. */
export interface MerchantWebhooksProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
  readonly events: Events;
}

/**
 * Merchant webhooks (contract: Merchant webhooks): the endpoint registration and delivery-listing
 * routes, and the consumer that signs and POSTs every payment and refund event to the merchant's
 * endpoints, with its own backoff (ChangeMessageVisibility) and a dead-letter queue after the last try.
 */
export class MerchantWebhooks extends Construct {
  readonly createEndpointFunction: PaymentsFunction;
  readonly listDeliveriesFunction: PaymentsFunction;
  readonly consumer: EventConsumer;

  constructor(scope: Construct, id: string, props: MerchantWebhooksProps) {
    super(scope, id);
    const { api, table, events } = props;
    const tableEnv = { TABLE_NAME: table.tableName };

    this.createEndpointFunction = api.addKeyedFunction(
      'CreateWebhookEndpointFunction',
      apigw.HttpMethod.POST,
      '/v1/webhook-endpoints',
      {
        entry: 'api/create-webhook-endpoint',
        environment: tableEnv,
      },
    );
    // One TransactWriteItems: the request at its Idempotency-Key slot and the endpoint (two Puts).
    table.grantItemActions(this.createEndpointFunction, 'dynamodb:PutItem');

    this.listDeliveriesFunction = api.addKeyedFunction(
      'ListWebhookDeliveriesFunction',
      apigw.HttpMethod.GET,
      '/v1/webhook-endpoints/{id}/deliveries',
      {
        entry: 'api/list-webhook-deliveries',
        environment: tableEnv,
      },
    );
    // GetItem (the endpoint must be the merchant's) comes with the keyed route; Query lists the attempts.
    table.grantItemActions(this.listDeliveriesFunction, 'dynamodb:Query');

    this.consumer = events.addConsumer('MerchantWebhooks', {
      entry: 'events/merchant-webhooks',
      description: 'Payment and refund events: signed POSTs to the merchants’ webhook endpoints',
      detailTypes: WEBHOOK_DETAIL_TYPES,
      environment: {
        ...tableEnv,
        WEBHOOK_MAX_RECEIVE_COUNT: String(DEFAULT_MAX_RECEIVE_COUNT),
      },
      batchSize: BATCH_SIZE,
      // Merchants see events within about a second either way; busy queues then cost fewer invocations.
      maxBatchingWindow: Duration.seconds(1),
      timeout: CONSUMER_TIMEOUT,
      // Retries follow the consumer's own schedule (shared/webhooks/backoff.ts); the queue's visibility
      // timeout only applies when an invocation dies before it could set one.
      maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT,
    });
    const { fn, queue } = this.consumer;
    fn.addEnvironment('WEBHOOK_QUEUE_URL', queue.queueUrl);
    // Endpoints of the event's merchant (Query), success markers (BatchGetItem), attempts and markers (PutItem).
    table.grantItemActions(fn, 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem');
    // sqs:ChangeMessageVisibility (the backoff) on this queue only comes with the SQS event source's
    // consume grant (ReceiveMessage, ChangeMessageVisibility, DeleteMessage, GetQueueAttributes, GetQueueUrl).
  }
}
