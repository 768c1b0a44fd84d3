/**
 * Risk's review queue for other services (shared/internal/review-queue.ts): a page of the payments held
 * for review, newest first, as index keys. Read-only. Invoked by the ops payment search (core) for
 * `risk=review`, once per round of up to 100 keys it examines.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type ReviewQueueAnswer, reviewQueueRequest } from '../../shared/internal/review-queue.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { reviewQueuePage } from '../../shared/store/dynamodb/review-queue.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'review-queue',
  reviewQueueRequest,
  (request): Promise<ReviewQueueAnswer> => reviewQueuePage(table, request),
);
