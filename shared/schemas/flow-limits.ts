/**
 * A merchant's flow limits (GET / PUT /v1/ops/merchants/{merchantId}/limits): strict like every request
 * body; an absent field takes the contract's default, so `{}` resets. The maxima are what one merchant's
 * bucket can spread over its shards (shared/domain/flow/token-bucket.ts).
 */
import * as z from 'zod/mini';
import { DEFAULT_FLOW_LIMITS, MAX_BURST, MAX_REQUESTS_PER_SECOND } from '../domain/flow/token-bucket.js';
import './locale.js';

const limit = (max: number) => z.int().check(z.minimum(1), z.maximum(max));

export const flowLimitsSchema = z.strictObject({
  /** Requests a second the merchant's keys may make together, sustained. */
  requestsPerSecond: z._default(limit(MAX_REQUESTS_PER_SECOND), DEFAULT_FLOW_LIMITS.requestsPerSecond),
  /** Requests above that rate the bucket lets through at once after a quiet spell. */
  burst: z._default(limit(MAX_BURST), DEFAULT_FLOW_LIMITS.burst),
});

export type FlowLimitsBody = z.infer<typeof flowLimitsSchema>;
