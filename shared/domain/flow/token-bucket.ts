/**
 * Per-merchant flow control as token-bucket arithmetic, pure and in integers (docs/architecture.md,
 * "Flow control"). A merchant's `requestsPerSecond` and `burst` are split over `shardCount` bucket items
 * so that no single item takes every write of a busy merchant; each shard is a token bucket holding its
 * share of both.
 *
 * A shard is stored as one number, `fullAt`: the instant (epoch µs) at which it is full again (the
 * "theoretical arrival time" of the generic cell rate algorithm, which is this token bucket). Every token
 * taken pushes it one `interval` later; at `now` the shard holds `(now + tolerance − max(fullAt, now)) /
 * interval` whole tokens, `tolerance` being `burst` intervals. Taking tokens is then an increment guarded
 * by a comparison, which the store can apply in one conditional update whoever else takes meanwhile: no
 * read first, no version, no race to lose. Microseconds make every figure an integer: the interval is
 * rounded up, so a shard earns at most its rate, never more.
 */

/** A merchant's limits (contract: `{ requestsPerSecond, burst }`). */
export interface FlowLimits {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** The contract's defaults, for a merchant without stored limits. */
export const DEFAULT_FLOW_LIMITS: FlowLimits = { requestsPerSecond: 100, burst: 200 };

/**
 * Upper bounds ops may set: beyond them one merchant would need more shards than we spread over. 50,000
 * requests a second leaves room above the 20,000 payments a second one merchant is built for
 * (docs/scale.md): 100 shards, each at most SHARD_RPS / MAX_LEASE = 10 lease writes a second.
 */
export const MAX_REQUESTS_PER_SECOND = 50_000;
export const MAX_BURST = 500_000;

/**
 * Requests a second one shard serves before another is added: with leases of up to MAX_LEASE tokens, a
 * shard at full rate takes ≥ SHARD_RPS / MAX_LEASE writes a second (10/s), far below a partition's 1,000.
 */
export const SHARD_RPS = 500;
export const MAX_SHARDS = MAX_REQUESTS_PER_SECOND / SHARD_RPS;

/** Most tokens one lease takes: bounds what a container can hold that others cannot use. */
export const MAX_LEASE = 50;

const MICROS = 1_000_000;

/** One shard's share of a merchant's limits. */
export interface ShardLimits {
  /** Tokens a second. */
  readonly rate: number;
  readonly burst: number;
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

/** Microseconds between two tokens of a shard, rounded up (never faster than its rate). */
export function intervalOf(shard: ShardLimits): number {
  return Math.ceil(MICROS / shard.rate);
}

/** Whole tokens the shard holds at `now` (µs); a shard never written (`fullAt` undefined) is full. */
export function available(fullAt: number | undefined, shard: ShardLimits, now: number): number {
  const interval = intervalOf(shard);
  const base = Math.max(fullAt ?? now, now);
  return Math.max(0, Math.floor((now + shard.burst * interval - base) / interval));
}

/**
 * What taking up to `want` tokens at `now` writes: `granted` tokens; when the shard is idle (`fullAt`
 * absent or past) `fullAt` becomes `now + granted × interval`, else it is incremented by that much,
 * on condition that it still is at most `latest` (so no other taker has emptied it meanwhile).
 */
export interface LeasePlan {
  readonly granted: number;
  readonly idle: boolean;
  readonly now: number;
  readonly increment: number;
  /** The latest `fullAt` from which `granted` tokens can still be taken at `now`. */
  readonly latest: number;
  /** `fullAt` after the take, if nobody else took meanwhile. */
  readonly next: number;
}

export function planLease(
  fullAt: number | undefined,
  shard: ShardLimits,
  want: number,
  now: number,
): LeasePlan {
  const interval = intervalOf(shard);
  const granted = Math.max(0, Math.min(want, available(fullAt, shard, now)));
  const idle = fullAt === undefined || fullAt < now;
  const increment = granted * interval;
  const latest = now + shard.burst * interval - increment;
  return { granted, idle, now, increment, latest, next: (idle ? now : (fullAt ?? now)) + increment };
}

/** Applies a plan to the shard as the store does (conditional increment or restart); `null` = refused. */
export function applyLease(fullAt: number | undefined, plan: LeasePlan): number | null {
  if (plan.idle) return fullAt === undefined || fullAt < plan.now ? plan.now + plan.increment : null;
  if (fullAt === undefined || fullAt < plan.now || fullAt > plan.latest) return null;
  return fullAt + plan.increment;
}

/**
 * Whole seconds (≥ 1, as `Retry-After` needs) until the shard holds one token again, if nobody else
 * takes from it meanwhile: a request retried then is admitted.
 */
export function retryAfterSeconds(fullAt: number | undefined, shard: ShardLimits, now: number): number {
  const interval = intervalOf(shard);
  const wait = Math.max(fullAt ?? now, now) + interval - shard.burst * interval - now;
  return Math.max(1, Math.ceil(wait / MICROS));
}

/**
 * How many tokens a container asks for in its next lease: double the last lease when it ran out before
 * expiring (demand outgrew it), else what the last one served; at least 1, at most leaseCap. Growing
 * only on demand keeps a quiet container's leases small, a busy one's large (fewer writes).
 */
export function nextLeaseSize(
  previous: { size: number; used: number } | undefined,
  shard: ShardLimits,
): number {
  const wanted = !previous ? 1 : previous.used >= previous.size ? previous.size * 2 : previous.used;
  return Math.max(1, Math.min(leaseCap(shard), wanted));
}

/**
 * How many tokens to take ahead, while the current lease (`size` tokens, `used` of them in `ageMs`) is
 * still running: what this pace uses in three quarters of a lease (what is left of the next lease's life
 * once the current one runs out, roughly), at most double the current lease (a ramp, not a jump), at
 * least 1, at most leaseCap.
 */
export function aheadLeaseSize(
  current: { size: number; used: number; ageMs: number },
  leaseMs: number,
  shard: ShardLimits,
): number {
  const pace = Math.ceil((current.used * leaseMs * 3) / (4 * Math.max(1, current.ageMs)));
  return Math.max(1, Math.min(leaseCap(shard), current.size * 2, pace));
}

/**
 * The largest lease of a shard: a quarter of its burst (tokens idle in one container stay a small part
 * of what the others may use), at least 1, at most MAX_LEASE.
 */
export function leaseCap(shard: ShardLimits): number {
  return Math.max(1, Math.min(MAX_LEASE, Math.ceil(shard.burst / 4)));
}

/** Epoch microseconds of an epoch-milliseconds clock reading. */
export const micros = (ms: number): number => Math.round(ms * 1000);
