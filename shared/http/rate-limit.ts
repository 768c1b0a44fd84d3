/**
 * Per-merchant flow control as a middleware, right after authentication: a merchant key's request is
 * admitted from its merchant's token bucket (shared/flow/limiter.ts) or refused with 429 `rate-limited`
 * and `Retry-After`. Ops keys, `/health` and channel callbacks are not limited per merchant (the
 * contract): only a caller authenticated with the merchant role is counted.
 *
 * When the bucket's store cannot be reached (DynamoDB, or the gateway's `flow-lease` function that takes
 * the leases of the other services' routes) the request is admitted (fail open), with a warning and
 * one count of the `FlowStoreErrors` metric (embedded metric format: the log line is the metric).
 */
import type { MiddlewareObj } from '@middy/core';
import { dynamoDbClient } from '../aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../config/env.js';
import { invokedFlowStore } from '../flow/invoked-store.js';
import { FlowLimiter, type FlowStore } from '../flow/limiter.js';
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

/**
 * The one place that decides where this function's leases are written: through the gateway's
 * `flow-lease` function when its ARN is in the environment (the merchant routes of every service but the
 * gateway: ServiceStack.leaseFlow sets it), else directly (the gateway's own, whose items the buckets
 * are). Limits are read from the table either way.
 */
export function flowStore(env: NodeJS.ProcessEnv = process.env): FlowStore {
  const table = new DynamoFlowStore({
    client: dynamoDbClient(),
    tableName: loadEnv(tableEnvSchema, env).TABLE_NAME,
  });
  // Read as it is, not through a schema (the merchant routes' bundles have no room to spare): the stack
  // sets it to its `live` alias's ARN or not at all.
  const leases = env.FLOW_LEASE_FUNCTION_ARN?.trim();
  return leases ? invokedFlowStore(table, leases) : table;
}

/** This container's limiter, on {@link flowStore}, created on first use. */
export function flowLimiter(): Admission {
  limiter ??= new FlowLimiter(flowStore(), { onStoreError: reportFlowStoreError });
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
