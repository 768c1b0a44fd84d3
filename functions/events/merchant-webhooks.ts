/**
 * Merchant webhooks consumer (SQS, fed by the rule for every payment and refund event): signs and POSTs
 * each event to its merchant's subscribed endpoints, records every attempt, and defers a failed
 * event's next try with exponential backoff (shared/webhooks/consumer.ts). Records are independent
 * and handled in parallel; the partial batch response reports only the events that must be tried again.
 *
 * The partial batch response is these few lines rather than Powertools' `BatchProcessor(EventType.SQS)`,
 * which does the same (parallel, independent records): its ~6 KB keep this bundle, the only one with both
 * the DynamoDB and the SQS client, inside the 300 KB budget with room to spare.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { sqsClient } from '../../shared/aws/sqs.js';
import { loadEnv } from '../../shared/config/env.js';
import { injectLambdaContext, logger } from '../../shared/http/logger.js';
import { DynamoWebhookDeliveryStore } from '../../shared/store/dynamodb/webhook-deliveries.js';
import { DynamoWebhookEndpointStore } from '../../shared/store/dynamodb/webhook-endpoints.js';
import { deliverRecord, type WebhookConsumerDeps } from '../../shared/webhooks/consumer.js';
import { webhooksConsumerEnvSchema } from '../../shared/webhooks/env.js';
import { WebhookDeliveryFailedError } from '../../shared/webhooks/errors.js';
import { urlPolicyFromEnv } from '../../shared/webhooks/url-policy.js';

const env = loadEnv(webhooksConsumerEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

const deps: WebhookConsumerDeps = {
  endpoints: new DynamoWebhookEndpointStore(table),
  deliveries: new DynamoWebhookDeliveryStore(table),
  sqs: sqsClient(),
  queueUrl: env.WEBHOOK_QUEUE_URL,
  maxReceiveCount: env.WEBHOOK_MAX_RECEIVE_COUNT,
  urlPolicy: urlPolicyFromEnv(),
  log: (message, data) => logger.warn(message, data),
};

async function recordHandler(record: SQSRecord): Promise<void> {
  try {
    const outcome = await deliverRecord(record, deps);
    logger.info('webhook event handled', { messageId: record.messageId, ...outcome });
  } catch (error) {
    if (error instanceof WebhookDeliveryFailedError) {
      logger.warn('webhook delivery failed', {
        messageId: record.messageId,
        eventId: error.eventId,
        failedEndpointIds: error.failedEndpointIds,
        retryInSeconds: error.retryInSeconds,
      });
    } else {
      logger.error('webhook event not handled', { messageId: record.messageId, error: error as Error });
    }
    throw error;
  }
}

/**
 * Every record is handled, whatever the others do. A batch where every event failed is an expected
 * state (a merchant's endpoint is down), not an invocation error: all its records are reported instead.
 */
export async function processBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const results = await Promise.allSettled(event.Records.map(recordHandler));
  return {
    batchItemFailures: event.Records.filter((_, i) => results[i]?.status === 'rejected').map((r) => ({
      itemIdentifier: r.messageId,
    })),
  };
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(processBatch);
