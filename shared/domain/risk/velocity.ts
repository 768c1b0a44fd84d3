/**
 * Velocity over a sliding window, approximated from two fixed buckets (the "sliding window counter":
 * the current bucket plus the previous one weighted by how much of it the window still covers). One
 * counter write per payment and dimension, two buckets to read (kept in one item per value with the
 * bucket before them: folded-counters.ts), a bounded error, and items that expire (TTL).
 * Buckets are taken at the payment's creation time, so a late or redelivered event counts and reads
 * the same buckets it would have on time (up to a window behind the newest payment of the same value).
 */

export interface VelocityBucket {
  /** Index of the bucket: floor(epoch minutes / window minutes). */
  readonly index: number;
  /** How far into the bucket the instant is, 0 ≤ f < 1. */
  readonly elapsed: number;
}

/** The bucket of `at` for a window of `windowMinutes`. */
export function bucketOf(at: Date, windowMinutes: number): VelocityBucket {
  const minutes = at.getTime() / 60_000;
  const position = minutes / windowMinutes;
  const index = Math.floor(position);
  return { index, elapsed: position - index };
}

/**
 * Events in the window ending at the instant: all of the current bucket plus the part of the previous
 * one the window still covers, rounded up (an upper estimate: velocity errs toward suspicion).
 */
export function slidingCount(current: number, previous: number, elapsed: number): number {
  return current + Math.ceil(previous * (1 - elapsed));
}

/** When a bucket's counter may expire: once no window can cover it any more (plus an hour of slack). */
export function bucketExpiry(index: number, windowMinutes: number): number {
  return (index + 2) * windowMinutes * 60 + 3600;
}
