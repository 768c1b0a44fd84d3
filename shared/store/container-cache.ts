/**
 * A per-container cache of one value per key with a short TTL, for reads on the create path that
 * change rarely and must apply soon after they change (a merchant's routing configuration: "a PUT takes
 * effect within 2 s"). Concurrent misses of one key share a single read; a failed read is not cached;
 * at most `maxEntries` keys are kept whatever callers ask (the oldest goes first).
 *
 * Stale-while-revalidate: a value older than `refreshAfterMs` (default: 80 % of the TTL) is still answered
 * at once while ONE read in the background replaces it; only a value past its TTL (or none) makes a
 * request wait for the store. A busy container therefore never waits on these reads, which is what keeps
 * create-payment's p99 near one PutItem's (about 3 % of creates waited on one refresh or another before:
 * key, limits, signing, risk profile, routing). The TTL stays the bound on staleness: a value is never
 * answered more than `ttlMs` after the read that produced it started, and a failed background read
 * leaves the old value to expire on time.
 */
/**
 * The age, as a share of the TTL, from which a hit refreshes its value in the background: late enough that
 * a container reads each value about once per TTL (1.25 reads per TTL, against 1 before refreshes existed
 * and 2 at half the TTL: every refresh's call runs on the request thread, and create-payment's p99 counts
 * them), early enough that the read lands before the TTL is over.
 */
export const REFRESH_SHARE = 0.8;

/** When a value read `ttlMs` ago at the latest is refreshed (see REFRESH_SHARE). */
export function refreshAge(ttlMs: number): number {
  return ttlMs * REFRESH_SHARE;
}

export interface ContainerCacheOptions {
  /** How long a value is used at most after its read started: a change takes at most this long to apply. */
  readonly ttlMs: number;
  /** From this age on, a hit starts a background read (default `refreshAge(ttlMs)`; `ttlMs` or more: never). */
  readonly refreshAfterMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry<T> {
  readAt: number;
  value: Promise<T>;
  /** Whether `value` has resolved (a read still in flight is not refreshed a second time). */
  settled: boolean;
  refreshing?: boolean;
}

export function cachePerContainer<T>(
  load: (key: string) => Promise<T>,
  options: ContainerCacheOptions,
): (key: string) => Promise<T> {
  const maxEntries = options.maxEntries ?? 1_000;
  const now = options.now ?? Date.now;
  const refreshAfter = options.refreshAfterMs ?? refreshAge(options.ttlMs);
  const cache = new Map<string, Entry<T>>();

  /** Reads `key` in the background; the entry is replaced only by a successful read. */
  function refresh(key: string, entry: Entry<T>): void {
    entry.refreshing = true;
    const readAt = now();
    load(key).then(
      (value) => {
        if (cache.get(key) === entry)
          cache.set(key, { readAt, value: Promise.resolve(value), settled: true });
      },
      () => {
        entry.refreshing = false;
      },
    );
  }

  return async (key) => {
    const hit = cache.get(key);
    const at = now();
    if (hit && at - hit.readAt < options.ttlMs) {
      if (at - hit.readAt >= refreshAfter && hit.settled && !hit.refreshing) refresh(key, hit);
      return hit.value;
    }
    if (cache.size >= maxEntries && !hit) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    const entry: Entry<T> = { readAt: at, value: load(key), settled: false };
    cache.delete(key);
    cache.set(key, entry);
    try {
      const value = await entry.value;
      entry.settled = true;
      return value;
    } catch (error) {
      if (cache.get(key) === entry) cache.delete(key);
      throw error;
    }
  };
}
