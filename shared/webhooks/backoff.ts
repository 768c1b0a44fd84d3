/**
 * When a failed delivery is tried again. The event's SQS message is made invisible for the delay of
 * its receive count (ChangeMessageVisibility), so retries follow this schedule instead of the queue's
 * fixed visibility timeout; after the queue's maxReceiveCount the message goes to the dead-letter queue.
 *
 * | receive that failed | 1    | 2    | 3     | 4      | 5      | 6   | 7   | 8   | 9+   |
 * |---------------------|------|------|-------|--------|--------|-----|-----|-----|------|
 * | next try after      | 10 s | 30 s | 2 min | 10 min | 30 min | 1 h | 3 h | 6 h | 12 h |
 *
 * With the default 10 receives the last try comes about 23 hours after the first (inside SQS's 4-day
 * default retention), and the first retry within 30 s, as the contract asks of the local runtime.
 */

/** SQS's maximum visibility timeout: 12 hours. */
export const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export const RETRY_SCHEDULE_SECONDS = [
  10,
  30,
  120,
  600,
  1800,
  3600,
  10_800,
  21_600,
  MAX_VISIBILITY_SECONDS,
] as const;

/** Receives of an event's message before it is dead-lettered (the queue's redrive maxReceiveCount). */
export const DEFAULT_MAX_RECEIVE_COUNT = 10;

/**
 * Seconds until the next try after the `receiveCount`-th receive failed (1-based, SQS's
 * `ApproximateReceiveCount`); 0 when that was the last receive, so the message reaches the
 * dead-letter queue at once instead of after one more long wait.
 */
export function retryDelaySeconds(receiveCount: number, maxReceiveCount = DEFAULT_MAX_RECEIVE_COUNT): number {
  if (!Number.isFinite(receiveCount) || receiveCount < 1) return RETRY_SCHEDULE_SECONDS[0];
  if (receiveCount >= maxReceiveCount) return 0;
  const index = Math.min(Math.floor(receiveCount), RETRY_SCHEDULE_SECONDS.length) - 1;
  return Math.min(RETRY_SCHEDULE_SECONDS[index] ?? MAX_VISIBILITY_SECONDS, MAX_VISIBILITY_SECONDS);
}
