/**
 * Per-merchant flow control as a middleware, right after authentication: a merchant key's request is
 * admitted from its merchant's token bucket (shared/flow/limiter.ts) or refused with 429 `rate-limited`
 * and `Retry-After`. Ops keys, `/health` and channel callbacks are not limited per merchant (the
 * contract): only a caller authenticated with the merchant role is counted.
 *
 * When the bucket's store cannot be reached the request is admitted (fail open), with a warning and
 * one count of the `FlowStoreErrors` metric (embedded metric format: the log line is the metric).
 */
import type { MiddlewareObj } from '@middy/core';
import { dynamoDbClient } from '../aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../config/env.js';
import { FlowLimiter } from '../flow/limiter.js';
import { DynamoFlowStore } from '../store/dynamodb/flow-buckets.js';
import { type ApiEvent, parsedOf } from './api-event.js';
import { RateLimitedError } from './errors.js';
import { logger } from './logger.js';

export const FLOW_METRICS_NAMESPACE = 'Payments';

/** Logs and counts a store failure the limiter answered by admitting the request. */
export function reportFlowStoreError(merchantId: string, error: unknown): void {
  logger.warn('flow control store unavailable: failing open', {
    merchantId,
    error: error as Error,
    FlowStoreErrors: 1,
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: FLOW_METRICS_NAMESPACE,
          Dimensions: [[]],
          Metrics: [{ Name: 'FlowStoreErrors', Unit: 'Count' }],
        },
      ],
    },
  });
}

/** What the middleware asks of a limiter. */
export type Admission = Pick<FlowLimiter, 'admit'>;

let limiter: Admission | undefined;

/** This container's limiter: DynamoDB (`TABLE_NAME`), created on first use. */
export function flowLimiter(): Admission {
  if (!limiter) {
    const { TABLE_NAME } = loadEnv(tableEnvSchema);
    limiter = new FlowLimiter(new DynamoFlowStore({ client: dynamoDbClient(), tableName: TABLE_NAME }), {
      onStoreError: reportFlowStoreError,
    });
  }
  return limiter;
}

/** Replaces the limiter (tests). */
export function setFlowLimiter(next: Admission | undefined): void {
  limiter = next;
}

/** Admits a merchant key's request from its merchant's bucket. @throws RateLimitedError */
export function rateLimit(): MiddlewareObj<ApiEvent> {
  return {
    before: async function rateLimitBefore(request) {
      const auth = parsedOf(request.event).auth;
      if (auth?.role !== 'merchant') return;
      const decision = await flowLimiter().admit(auth.merchantId);
      if (!decision.admitted) throw new RateLimitedError(decision.retryAfterSeconds);
    },
  };
}
