/**
 * GET /v1/ops/payments (search across merchants, newest first) and GET /v1/ops/payments/{id} (any
 * merchant's payment): both with `reviewStatus`. One function for both reads of the ops payment family:
 * the same store, grants and bundle, one function fewer in a stack close to CloudFormation's limit.
 * The search of payments held for review (`risk=review`) takes its keys from risk's review queue, asked
 * of risk's function (its ARN in the environment): core holds no grant on the queue.
 */
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import type { ApiEvent } from '../../shared/http/api-event.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { type ApiResult, json } from '../../shared/http/responses.js';
import { invokeReviewQueue } from '../../shared/internal/review-queue.js';
import { opsListPaymentsQuery } from '../../shared/schemas/ops-payments.js';
import { DynamoPaymentLists } from '../../shared/store/dynamodb/payment-lists.js';

const env = loadEnv(
  z.extend(tableEnvSchema, { REVIEW_QUEUE_FUNCTION_ARN: z.string().check(z.minLength(1)) }),
);
const lists = new DynamoPaymentLists(
  { client: dynamoDbClient(), tableName: env.TABLE_NAME },
  { reviewQueue: invokeReviewQueue(env.REVIEW_QUEUE_FUNCTION_ARN) },
);

const search = apiHandler({ role: 'ops', query: opsListPaymentsQuery }, async ({ query }) =>
  json(200, await lists.opsPage(query)),
);

const one = apiHandler({ role: 'ops', path: { id: prefixedId('pay') } }, async ({ event }) =>
  json(200, await lists.opsGet(event.pathParameters?.id ?? '')),
);

/** API Gateway names the route's parameters: only the route of one payment has an `id`. */
export const handler = (event: ApiEvent, context: Context): Promise<ApiResult> =>
  event.pathParameters?.id === undefined ? search(event, context) : one(event, context);
