/**
 * A per-container cache of one value per key with a short TTL, for reads on the create path that
 * change rarely and must apply soon after they change (a merchant's routing configuration: "a PUT takes
 * effect within 2 s"). Concurrent misses of one key share a single read; a failed read is not cached;
 * at most `maxEntries` keys are kept whatever callers ask (the oldest goes first).
 */
export interface ContainerCacheOptions {
  /** How long a value is used without a read: a change takes at most this long to apply. */
  readonly ttlMs: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export function cachePerContainer<T>(
  load: (key: string) => Promise<T>,
  options: ContainerCacheOptions,
): (key: string) => Promise<T> {
  const maxEntries = options.maxEntries ?? 1_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { expiresAt: number; value: Promise<T> }>();
  return async (key) => {
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now()) return hit.value;
    if (cache.size >= maxEntries && !hit) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    const value = load(key);
    const entry = { expiresAt: now() + options.ttlMs, value };
    cache.delete(key);
    cache.set(key, entry);
    try {
      return await value;
    } catch (error) {
      if (cache.get(key) === entry) cache.delete(key);
      throw error;
    }
  };
}
