/**
 * Per-merchant flow control as token-bucket arithmetic, pure and in integers (docs/architecture.md,
 * "Flow control"). A merchant's `requestsPerSecond` and `burst` are split over `shardCount` bucket items
 * so that no single item takes every write of a busy merchant; each shard is an ordinary token bucket
 * holding its share of both. Tokens are counted in thousandths (milli-tokens), so that a bucket of
 * `rate` tokens a second refills exactly `rate` milli-tokens a millisecond: no float ever decides
 * whether a request is admitted.
 */

/** A merchant's limits (contract: `{ requestsPerSecond, burst }`). */
export interface FlowLimits {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** The contract's defaults, for a merchant without stored limits. */
export const DEFAULT_FLOW_LIMITS: FlowLimits = { requestsPerSecond: 100, burst: 200 };

/** Upper bounds ops may set: beyond them one merchant would need more shards than we spread over. */
export const MAX_REQUESTS_PER_SECOND = 10_000;
export const MAX_BURST = 100_000;

/**
 * Requests a second one shard serves before another is added. With leases of up to MAX_LEASE tokens a
 * shard item takes ≥ SHARD_RPS / MAX_LEASE writes a second at full rate (10/s at 500 rps), far below
 * a partition's 1,000 writes/s, and few enough that containers rarely race on one version.
 */
export const SHARD_RPS = 500;
export const MAX_SHARDS = MAX_REQUESTS_PER_SECOND / SHARD_RPS;

/** Most tokens one lease takes: bounds what a container can hold that others cannot use. */
export const MAX_LEASE = 50;

export const MILLI = 1_000;

/** One shard's share of a merchant's limits. */
export interface ShardLimits {
  /** Tokens a second (= milli-tokens a millisecond). */
  readonly rate: number;
  readonly burst: number;
}

/** A shard's stored state: milli-tokens left as of `at` (epoch ms). */
export interface BucketState {
  readonly milliTokens: number;
  readonly at: number;
}

/**
 * How many shards a merchant's bucket is spread over: one per SHARD_RPS of rate, never more shards
 * than tokens of burst or of rate (each shard must be able to hold and earn a whole token).
 */
export function shardCount(limits: FlowLimits): number {
  const wanted = Math.ceil(limits.requestsPerSecond / SHARD_RPS);
  return Math.max(1, Math.min(wanted, MAX_SHARDS, limits.burst, limits.requestsPerSecond));
}

/** Shard `index`'s share: the integer split whose shares add up exactly to the merchant's limits. */
export function shardLimits(limits: FlowLimits, index: number, count: number): ShardLimits {
  const share = (total: number) => Math.floor(total / count) + (index < total % count ? 1 : 0);
  return { rate: share(limits.requestsPerSecond), burst: share(limits.burst) };
}

/** Milli-tokens in the shard at `now`: an absent shard is full; time never runs backwards. */
export function available(state: BucketState | undefined, shard: ShardLimits, now: number): number {
  const full = shard.burst * MILLI;
  if (!state) return full;
  const elapsed = Math.max(0, now - state.at);
  return Math.min(full, state.milliTokens + shard.rate * elapsed);
}

export interface Take {
  /** Whole tokens taken, 0 … want. */
  readonly granted: number;
  /** The shard's state after the take (written only when something was granted). */
  readonly next: BucketState;
}

/** Takes up to `want` whole tokens from the shard at `now`. */
export function take(state: BucketState | undefined, shard: ShardLimits, want: number, now: number): Take {
  const milli = available(state, shard, now);
  const granted = Math.max(0, Math.min(want, Math.floor(milli / MILLI)));
  return {
    granted,
    next: { milliTokens: milli - granted * MILLI, at: Math.max(state?.at ?? now, now) },
  };
}

/**
 * Whole seconds (≥ 1, as `Retry-After` needs) until the shard holds one token again, if nobody else
 * takes from it meanwhile: a request retried then is admitted.
 */
export function retryAfterSeconds(state: BucketState | undefined, shard: ShardLimits, now: number): number {
  const missing = MILLI - available(state, shard, now);
  if (missing <= 0 || shard.rate <= 0) return 1;
  return Math.max(1, Math.ceil(Math.ceil(missing / shard.rate) / 1000));
}

/**
 * How many tokens a container asks for in its next lease: double the last lease when it ran out before
 * expiring (demand outgrew it), else what the last one served; at least 1, at most a tenth of the
 * shard's burst (so tokens idle in one container are a small part of what the others may use) and
 * MAX_LEASE.
 */
export function nextLeaseSize(
  previous: { size: number; used: number } | undefined,
  shard: ShardLimits,
): number {
  const cap = Math.max(1, Math.min(MAX_LEASE, Math.floor(shard.burst / 10)));
  const wanted = !previous ? 1 : previous.used >= previous.size ? previous.size * 2 : previous.used;
  return Math.max(1, Math.min(cap, wanted));
}
