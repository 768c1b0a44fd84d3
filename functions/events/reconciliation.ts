/**
 * SQS consumer of payment and refund outcome events (rule: PaymentSucceeded, PaymentFailed,
 * RefundSucceeded, RefundFailed): records, per channel-day, what each channel should report on its
 * statement. Idempotent: one conditional PutItem per outcome, a redelivery writes nothing.
 *
 * Powertools batch reports the messages that failed (`batchItemFailures`); SQS redelivers only those,
 * and after `maxReceiveCount` receives moves them to the queue's DLQ. A message that is not a valid
 * event fails the same way: it ends in the DLQ for ops to look at rather than being dropped.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv } from '../../shared/config/env.js';
import { reconciliationEnvSchema } from '../../shared/events/env.js';
import { expectedOutcomeOf } from '../../shared/events/expected-outcome.js';
import { parseEventMessage } from '../../shared/events/parse.js';
import { injectLambdaContext, logger } from '../../shared/http/logger.js';
import { DynamoExpectedOutcomeStore } from '../../shared/store/dynamodb/expected-outcomes.js';

const env = loadEnv(reconciliationEnvSchema);
const store = new DynamoExpectedOutcomeStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });
const processor = new BatchProcessor(EventType.SQS);

async function recordOutcome(record: SQSRecord): Promise<void> {
  const event = parseEventMessage(record.body);
  const outcome = expectedOutcomeOf(event);
  if (!outcome) {
    // The rule sends outcome events only; anything else is harmless to skip.
    logger.warn('ignored event', { detailType: event.detailType, eventId: event.detail.eventId });
    return;
  }
  const { written } = await store.record(outcome);
  logger.info(written ? 'expected outcome recorded' : 'expected outcome already recorded', {
    eventId: outcome.eventId,
    reference: outcome.reference,
    channel: outcome.channel,
    day: outcome.day,
  });
}

/** Processes a batch; exported for tests that drive it without middy. */
export function processBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  return processPartialResponse(event, recordOutcome, processor, context ? { context } : undefined);
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => processBatch(event, context));
