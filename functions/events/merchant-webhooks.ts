/**
 * Merchant webhooks consumer (SQS, fed by the rule for every payment and refund event): signs and POSTs
 * each event to its merchant's subscribed endpoints, records every attempt, and defers a failed
 * event's next try with exponential backoff (shared/webhooks/consumer.ts). On the one batch wrapper
 * (shared/events/batch.ts): records are independent and handled in parallel; the partial batch response
 * reports only the events that must be tried again. An event of a type merchants are not sent is
 * skipped; a body that is not one of our events fails, to end in the DLQ for ops.
 */
import type { SQSRecord } from 'aws-lambda';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { sqsClient } from '../../shared/aws/sqs.js';
import { loadEnv } from '../../shared/config/env.js';
import { sqsConsumer } from '../../shared/events/batch.js';
import { logger } from '../../shared/http/logger.js';
import { DynamoWebhookDeliveryStore } from '../../shared/store/dynamodb/webhook-deliveries.js';
import { DynamoWebhookEndpointStore } from '../../shared/store/dynamodb/webhook-endpoints.js';
import { deliverRecord, type WebhookConsumerDeps } from '../../shared/webhooks/consumer.js';
import { cachedEndpoints } from '../../shared/webhooks/endpoint-cache.js';
import { webhooksConsumerEnvSchema } from '../../shared/webhooks/env.js';
import { WebhookDeliveryFailedError } from '../../shared/webhooks/errors.js';
import { parseWebhookSource, type WebhookSourceEvent } from '../../shared/webhooks/parse.js';
import { urlPolicyFromEnv } from '../../shared/webhooks/url-policy.js';

const env = loadEnv(webhooksConsumerEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

const deps: WebhookConsumerDeps = {
  // Per container, a few seconds: a merchant's events do not each read its endpoints (keys.ts).
  endpoints: cachedEndpoints(new DynamoWebhookEndpointStore(table), {
    ttlMs: env.WEBHOOK_ENDPOINTS_CACHE_MS,
  }),
  deliveries: new DynamoWebhookDeliveryStore(table),
  sqs: sqsClient(),
  queueUrl: env.WEBHOOK_QUEUE_URL,
  maxReceiveCount: env.WEBHOOK_MAX_RECEIVE_COUNT,
  urlPolicy: urlPolicyFromEnv(),
  log: (message, data) => logger.warn(message, data),
};

async function deliver(event: WebhookSourceEvent, record: SQSRecord): Promise<void> {
  try {
    const outcome = await deliverRecord(record, deps, event);
    logger.info('webhook event handled', { messageId: record.messageId, ...outcome });
  } catch (error) {
    if (error instanceof WebhookDeliveryFailedError) {
      logger.warn('webhook delivery failed', {
        messageId: record.messageId,
        eventId: error.eventId,
        failedEndpointIds: error.failedEndpointIds,
        retryInSeconds: error.retryInSeconds,
      });
    }
    throw error;
  }
}

/**
 * Every record is handled, whatever the others do. A batch where every event failed is an expected
 * state (a merchant's endpoint is down), not an invocation error: all its records are reported instead.
 */
export const processBatch = sqsConsumer({
  name: 'merchant-webhooks',
  parse: (record) => parseWebhookSource(record.body),
  handle: deliver,
});

export const handler = processBatch;
