/**
 * Risk's review queue as other services read it (functions/internal/review-queue.ts): the payments held
 * for review, newest first, as their index sort keys (`<createdAt>#pay_…`), a page below a position.
 * The ops search `risk=review` (core) takes its keys from here and reads the payments itself: the same
 * order and the same cursor (the last key examined) as when it merged the index on its own.
 * Contract between risk and its callers: both sides parse.
 */
import * as z from 'zod/mini';
import { type InternalReader, internalReader } from './reader.js';

/** Keys a page holds at most: what one filtered round of the search examines (payment-lists.ts). */
export const REVIEW_QUEUE_MAX_PAGE = 100;

const sortKey = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z#pay_[a-z2-7]{26}$/));

export const reviewQueueRequest = z.strictObject({
  /** Keys strictly below this one; absent: from the newest. */
  below: z.optional(sortKey),
  limit: z.int().check(z.minimum(1), z.maximum(REVIEW_QUEUE_MAX_PAGE)),
});
export type ReviewQueueRequest = z.infer<typeof reviewQueueRequest>;

export const reviewQueueAnswer = z.strictObject({
  /** Newest first, at most `limit`. */
  keys: z.array(sortKey),
  /** Whether the queue holds a key below the last one of `keys` (below `below` when `keys` is empty). */
  more: z.boolean(),
});
export type ReviewQueueAnswer = z.infer<typeof reviewQueueAnswer>;

export type ReviewQueueReader = InternalReader<ReviewQueueRequest, ReviewQueueAnswer>;

export const invokeReviewQueue = (functionArn: string | undefined): ReviewQueueReader =>
  internalReader(reviewQueueRequest, reviewQueueAnswer, functionArn);
