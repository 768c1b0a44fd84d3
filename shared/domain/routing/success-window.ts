/**
 * Authorization outcomes over a sliding window of time buckets (12 × 5 min by default): the data behind
 * `success_rate` routing. Small enough to persist as one item per merchant, channel and currency (and one
 * per channel and currency over all merchants), and mergeable, so a consumer folds a whole batch of
 * outcomes into one window in memory and writes it once instead of once per payment.
 *
 * The rate counts only payments a channel actually answered: `succeeded` and `failed` (declined). A
 * channel that was unavailable never saw the payment, so it neither helps nor hurts its rate (the breaker
 * acts on those); unavailability is kept beside, for the channel's `health` answer. Times are epoch
 * milliseconds, passed in: nothing here reads a clock.
 */

export const DEFAULT_BUCKET_MS = 5 * 60_000;
export const DEFAULT_BUCKET_COUNT = 12;

export interface SuccessBucket {
  /** Epoch ms at which the bucket starts, a multiple of `bucketMs`. */
  readonly start: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly unavailable: number;
}

export interface SuccessWindow {
  readonly bucketMs: number;
  readonly bucketCount: number;
  /** Oldest first, at most `bucketCount`, each `start` once. */
  readonly buckets: readonly SuccessBucket[];
}

export interface OutcomeCounts {
  readonly succeeded: number;
  readonly failed: number;
}

export type CountedOutcome = 'succeeded' | 'failed' | 'unavailable';

/** An empty window of `bucketCount` buckets of `bucketMs` each. */
export function emptyWindow(bucketMs = DEFAULT_BUCKET_MS, bucketCount = DEFAULT_BUCKET_COUNT): SuccessWindow {
  if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0)
    throw new RangeError(`bucketMs ${bucketMs} must be > 0`);
  if (!Number.isSafeInteger(bucketCount) || bucketCount <= 0) {
    throw new RangeError(`bucketCount ${bucketCount} must be > 0`);
  }
  return { bucketMs, bucketCount, buckets: [] };
}

function bucketStart(window: SuccessWindow, at: number): number {
  return Math.floor(at / window.bucketMs) * window.bucketMs;
}

/** Oldest bucket start still inside the window whose newest bucket starts at `newest`. */
function oldestKept(window: SuccessWindow, newest: number): number {
  return newest - (window.bucketCount - 1) * window.bucketMs;
}

/** Sums buckets of the same start and drops those that fell out of the window of the newest one. */
function normalise(window: SuccessWindow, buckets: readonly SuccessBucket[]): SuccessWindow {
  const byStart = new Map<number, { succeeded: number; failed: number; unavailable: number }>();
  for (const b of buckets) {
    const sum = byStart.get(b.start) ?? { succeeded: 0, failed: 0, unavailable: 0 };
    sum.succeeded += b.succeeded;
    sum.failed += b.failed;
    sum.unavailable += b.unavailable;
    byStart.set(b.start, sum);
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  const newest = starts.at(-1);
  if (newest === undefined) return { ...window, buckets: [] };
  const from = oldestKept(window, newest);
  const kept = starts
    .filter((s) => s >= from)
    .map((start) => ({ start, ...(byStart.get(start) as Omit<SuccessBucket, 'start'>) }));
  return { bucketMs: window.bucketMs, bucketCount: window.bucketCount, buckets: kept };
}

/** The window with `count` more outcomes of one kind at `at`. An outcome older than the window is dropped. */
export function recordOutcome(
  window: SuccessWindow,
  at: number,
  outcome: CountedOutcome,
  count = 1,
): SuccessWindow {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`count ${count} must be an integer ≥ 0`);
  const bucket: SuccessBucket = {
    start: bucketStart(window, at),
    succeeded: outcome === 'succeeded' ? count : 0,
    failed: outcome === 'failed' ? count : 0,
    unavailable: outcome === 'unavailable' ? count : 0,
  };
  return normalise(window, [...window.buckets, bucket]);
}

/**
 * Two windows of the same geometry as one: counts of the same bucket add up, buckets older than the
 * newest one's window are dropped. Commutative and associative, so batches merge in any order.
 * @throws RangeError when the bucket sizes or counts differ.
 */
export function mergeWindows(a: SuccessWindow, b: SuccessWindow): SuccessWindow {
  if (a.bucketMs !== b.bucketMs || a.bucketCount !== b.bucketCount) {
    throw new RangeError('cannot merge windows of different bucket sizes or counts');
  }
  return normalise(a, [...a.buckets, ...b.buckets]);
}

/** The window without the buckets that are out of it at `now` (what a store trims before writing). */
export function expireWindow(window: SuccessWindow, now: number): SuccessWindow {
  const from = oldestKept(window, bucketStart(window, now));
  return { ...window, buckets: window.buckets.filter((b) => b.start >= from) };
}

/** The buckets in the window that ends with the bucket of `now`; later ones are not counted yet. */
function inWindow(window: SuccessWindow, now: number): SuccessBucket[] {
  const newest = bucketStart(window, now);
  const from = oldestKept(window, newest);
  return window.buckets.filter((b) => b.start >= from && b.start <= newest);
}

/**
 * Answered outcomes in the window that ends with the bucket of `now`: the last `bucketCount` buckets.
 * Buckets after `now` (another function's clock a little ahead) are not counted yet.
 */
export function countsAt(window: SuccessWindow, now: number): OutcomeCounts {
  let succeeded = 0;
  let failed = 0;
  for (const b of inWindow(window, now)) {
    succeeded += b.succeeded;
    failed += b.failed;
  }
  return { succeeded, failed };
}

/** succeeded / (succeeded + failed) at `now`, or `null` when nothing was counted. */
export function rateAt(window: SuccessWindow, now: number): number | null {
  const { succeeded, failed } = countsAt(window, now);
  const attempts = succeeded + failed;
  return attempts === 0 ? null : succeeded / attempts;
}

/** A channel's `health` answer (contract: GET /v1/ops/channels): every submission in the window. */
export interface ChannelHealth {
  readonly attempts: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly unavailable: number;
  /** succeeded / (succeeded + failed); `null` before any answered attempt. */
  readonly authorizationRate: number | null;
}

/** The `health` of a channel at `now` from its window over all merchants (12 × 5 min: the last hour). */
export function healthAt(window: SuccessWindow, now: number): ChannelHealth {
  let unavailable = 0;
  for (const b of inWindow(window, now)) unavailable += b.unavailable;
  const { succeeded, failed } = countsAt(window, now);
  const answered = succeeded + failed;
  return {
    attempts: answered + unavailable,
    succeeded,
    failed,
    unavailable,
    authorizationRate: answered === 0 ? null : succeeded / answered,
  };
}
