/** Environment of the merchant-webhooks consumer, parsed once at cold start with `loadEnv`. */
import * as z from 'zod/mini';
import { tableEnvSchema } from '../config/env.js';
import { DEFAULT_MAX_RECEIVE_COUNT } from './backoff.js';
import { ENDPOINTS_CACHE_MS, MAX_ENDPOINTS_CACHE_MS } from './endpoint-cache.js';

export const webhooksConsumerEnvSchema = z.extend(tableEnvSchema, {
  /** The queue the consumer reads: ChangeMessageVisibility needs its URL. */
  WEBHOOK_QUEUE_URL: z.string().check(z.trim(), z.minLength(1, { error: 'must be set' })),
  /** The queue's redrive maxReceiveCount: the last try does not wait before the dead-letter queue. */
  WEBHOOK_MAX_RECEIVE_COUNT: z._default(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)),
    DEFAULT_MAX_RECEIVE_COUNT,
  ),
  /** How long a merchant's endpoints are reused per container (endpoint-cache.ts); 0: read per event. */
  WEBHOOK_ENDPOINTS_CACHE_MS: z._default(
    z.coerce.number().check(z.int(), z.minimum(0), z.maximum(MAX_ENDPOINTS_CACHE_MS)),
    ENDPOINTS_CACHE_MS,
  ),
});
export type WebhooksConsumerEnv = z.infer<typeof webhooksConsumerEnvSchema>;
