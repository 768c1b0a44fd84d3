/**
 * A per-container cache of each merchant's webhook endpoints, for the delivery consumer: without it,
 * every event would Query `WEBHOOKS#<merchant>` (one merchant's events all read that one partition key).
 *
 * Bounded staleness, as the API key and routing caches are: a merchant's list is reused for at most
 * {@link ENDPOINTS_CACHE_MS} (never more than {@link MAX_ENDPOINTS_CACHE_MS}), so a new endpoint starts
 * receiving events, and a disabled one stops, within that time of the change in every container. An
 * empty list is cached the same way (most merchants have no endpoint; their events then cost no read).
 * Concurrent reads of one merchant share one Query; a failed read is not cached.
 */
import type { WebhookEndpointItem } from '../store/dynamodb/webhook-endpoints.js';

/** How long a merchant's endpoints are reused without a read (AWS default). */
export const ENDPOINTS_CACHE_MS = 5_000;
/** No setting may make a change take longer than this to reach the consumer. */
export const MAX_ENDPOINTS_CACHE_MS = 60_000;

export interface EndpointSource {
  listForMerchant(merchantId: string): Promise<WebhookEndpointItem[]>;
}

export interface EndpointCacheOptions {
  /** 0 reads on every event (the local runtime: a test's endpoint receives its very next event). */
  readonly ttlMs?: number;
  /** Bound on memory whatever the number of merchants a container serves. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export function cachedEndpoints(source: EndpointSource, options: EndpointCacheOptions = {}): EndpointSource {
  const ttl = Math.min(Math.max(options.ttlMs ?? ENDPOINTS_CACHE_MS, 0), MAX_ENDPOINTS_CACHE_MS);
  if (ttl === 0) return source;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { expiresAt: number; value: Promise<WebhookEndpointItem[]> }>();
  return {
    async listForMerchant(merchantId) {
      const hit = cache.get(merchantId);
      if (hit && hit.expiresAt > now()) return hit.value;
      if (cache.size >= maxEntries) {
        // Map iteration is insertion order: drop the oldest entry.
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      const value = source.listForMerchant(merchantId);
      cache.delete(merchantId);
      cache.set(merchantId, { expiresAt: now() + ttl, value });
      try {
        return await value;
      } catch (error) {
        if (cache.get(merchantId)?.value === value) cache.delete(merchantId);
        throw error;
      }
    },
  };
}
