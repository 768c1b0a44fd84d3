/**
 * Risk's side of the review queue (shared/internal/review-queue.ts): a page of GSI4 `REVIEW#<shard>`, the
 * review hold items (holds.ts), merged newest first over its shards (index-merge.ts) below a position.
 * `more` is the merge's own answer, so a caller knows without another call whether to ask again.
 */
import type { ReviewQueueAnswer, ReviewQueueRequest } from '../../internal/review-queue.js';
import { backOfficeKeys, GSI4 } from '../keys.js';
import { MergedIndex, PARTITION_QUERY_LIMIT } from './index-merge.js';
import type { TableContext } from './table.js';

/** Up to `limit` keys below `below`, newest first. `partitionQueryLimit`: tests lower it. */
export async function reviewQueuePage(
  table: TableContext,
  request: ReviewQueueRequest,
  partitionQueryLimit = PARTITION_QUERY_LIMIT,
): Promise<ReviewQueueAnswer> {
  const merged = new MergedIndex(
    table,
    {
      indexName: GSI4,
      partitionAttribute: 'GSI4PK',
      sortAttribute: 'GSI1SK',
      partitions: backOfficeKeys.reviewQueueShards(),
    },
    request.below,
    request.limit,
    'reviewQueue.query',
    partitionQueryLimit,
  );
  const keys: string[] = [];
  while (keys.length < request.limit) {
    const key = await merged.next();
    if (key === undefined) return { keys, more: false };
    keys.push(key);
  }
  return { keys, more: await merged.hasNext() };
}
