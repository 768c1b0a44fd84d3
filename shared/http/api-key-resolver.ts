/**
 * Resolves `Authorization: Bearer <api key>` to the caller: the authorizer of every merchant and ops
 * route, run inside the route's function.
 *
 * Why not an API Gateway Lambda authorizer: an HTTP API answers a request without the identity-source
 * header with its own 401 `{"message":"Unauthorized"}` and a denied one with 403 `{"message":"Forbidden"}`,
 * bodies it cannot be told to change, while the contract wants a 401 problem+json for both. Resolving the
 * key here also saves an authorizer invocation per uncached key, and a warm function answers from the
 * cache below without any call.
 *
 * The cache is bounded: a known key is trusted for {@link KEY_CACHE_TTL_MS} at most (never more than
 * {@link MAX_KEY_CACHE_TTL_MS}, whatever a caller asks), so a revocation or a suspension answers within
 * 10 s in every container; a rolled key's end (`expiresAt`) is checked on every request, cached or not,
 * so it stops on time to the millisecond. Only the key's SHA-256 is kept, never the key.
 */
import { createHash } from 'node:crypto';
import { dynamoDbClient } from '../aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../config/env.js';
import { type ApiKeyRecord, resolveApiKey } from '../store/api-keys.js';
import { refreshAge } from '../store/container-cache.js';

/** How long a known key is trusted without a lookup (and how late a revocation may take effect). */
export const KEY_CACHE_TTL_MS = 5_000;
/** The contract's bound on a revocation: no cache setting may exceed it. */
export const MAX_KEY_CACHE_TTL_MS = 10_000;

/** Looks up a key; `undefined` for an unknown or revoked one. */
export type ApiKeyResolver = (apiKey: string) => Promise<ApiKeyRecord | undefined>;

export interface CacheOptions {
  /** How long a known key is trusted without a lookup: a revocation takes at most this long. */
  readonly ttlMs?: number;
  /** How long an unknown key is remembered: short, so a newly issued key works at once. */
  readonly negativeTtlMs?: number;
  /** Bound on memory whatever keys callers send. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  readAt: number;
  /** The TTL of what the read found: `ttl` for a key, `negativeTtl` for none. */
  ttlMs: number;
  value: Promise<ApiKeyRecord | undefined>;
  settled: boolean;
  refreshing?: boolean;
}

/**
 * Wraps a resolver with a per-container cache keyed by the key's SHA-256 (the raw key is never kept).
 * Concurrent lookups of one key share a single call. An entry past 80 % of its TTL is answered at once and
 * read again in the background (stale-while-revalidate, as shared/store/container-cache.ts), so a busy
 * container never waits on a key lookup; the TTL, counted from the start of the read that produced the
 * entry, stays the bound on a revocation.
 */
export function cachingResolver(resolve: ApiKeyResolver, options: CacheOptions = {}): ApiKeyResolver {
  const ttl = Math.min(options.ttlMs ?? KEY_CACHE_TTL_MS, MAX_KEY_CACHE_TTL_MS);
  const negativeTtl = Math.min(options.negativeTtlMs ?? 5_000, MAX_KEY_CACHE_TTL_MS);
  const maxEntries = options.maxEntries ?? 1_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  /** A rolled key past its end answers as unknown, even from the cache. */
  const live = (record: ApiKeyRecord | undefined) =>
    record?.expiresAt !== undefined && record.expiresAt <= now() ? undefined : record;

  function refresh(apiKey: string, id: string, entry: Entry): void {
    entry.refreshing = true;
    const readAt = now();
    resolve(apiKey).then(
      (record) => {
        if (cache.get(id) !== entry) return;
        const value = Promise.resolve(record);
        cache.set(id, { readAt, ttlMs: record ? ttl : negativeTtl, value, settled: true });
      },
      () => {
        entry.refreshing = false;
      },
    );
  }

  return async (apiKey) => {
    const id = createHash('sha256').update(apiKey, 'utf8').digest('hex');
    const hit = cache.get(id);
    const at = now();
    if (hit && at - hit.readAt < hit.ttlMs) {
      if (hit.settled && !hit.refreshing && at - hit.readAt >= refreshAge(hit.ttlMs))
        refresh(apiKey, id, hit);
      return live(await hit.value);
    }
    if (cache.size >= maxEntries && !hit) {
      // Map iteration is insertion order: drop the oldest entry.
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    const entry: Entry = { readAt: at, ttlMs: ttl, value: resolve(apiKey), settled: false };
    cache.delete(id);
    cache.set(id, entry);
    try {
      const record = await entry.value;
      entry.settled = true;
      if (!record) entry.ttlMs = negativeTtl;
      return live(record);
    } catch (error) {
      // A failed lookup is not an answer: the next request asks again.
      if (cache.get(id) === entry) cache.delete(id);
      throw error;
    }
  };
}

let resolver: ApiKeyResolver | undefined;

/** The resolver of this function: DynamoDB (`TABLE_NAME`) behind the cache, created on first use. */
export function apiKeyResolver(): ApiKeyResolver {
  if (!resolver) {
    const { TABLE_NAME } = loadEnv(tableEnvSchema);
    const client = dynamoDbClient();
    resolver = cachingResolver((apiKey) => resolveApiKey(client, TABLE_NAME, apiKey));
  }
  return resolver;
}

/** Replaces the resolver (tests). */
export function setApiKeyResolver(next: ApiKeyResolver | undefined): void {
  resolver = next;
}
