/**
 * Payments held out of settlement, per merchant (`HOLD#<merchant>` / `<paymentId>`): a string set of the
 * reasons holding each (`review`, or a discrepancy id). ADD and DELETE of a set member are idempotent, so
 * every writer (risk control, ops review, reconciliation) can repeat its call after a crash. A payment is
 * held while its set is not empty (DynamoDB drops an emptied set). Nothing is written per payment that
 * is not held.
 *
 * Risk owns these items: reconciliation's discrepancy holds reach them through risk's `set-holds`
 * function (functions/internal/set-holds.ts), one invocation per batch of findings; settlement reads a
 * merchant's held payments through risk's `held-payments` function (heldPaymentsPage below), a page a Query.
 *
 * A review hold is also the payment's entry in the review queue (the ops search `risk=review`): while
 * `review` is among its reasons the item carries GSI4 keys `REVIEW#<shard>` / `<createdAt>#<id>`
 * (keys.ts); the release of the review removes them. One index write when held, one when decided.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { HoldChange } from '../../schemas/risk-functions.js';
import { backOfficeKeys, keys } from '../keys.js';
import { readShardPage, type ShardPage } from './shard-pages.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

export const REVIEW_HOLD = 'review';

/** What changes holds other than risk's review: risk's store itself, or a client of risk's function. */
export interface HoldRegistry {
  /** Applies each change (idempotent, so a batch may be sent again whole). */
  set(changes: readonly HoldChange[]): Promise<void>;
}

/**
 * One page of the ids of a merchant's payments held now (a hold with at least one reason; an emptied set
 * is dropped, so a released hold has no `reasons`), in payment id order. The filter runs after the Query's
 * Limit, so a page may take more than one Query; the cursor names the merchant's partition only.
 */
export function heldPaymentsPage(
  table: TableContext,
  q: { readonly merchantId: string; readonly limit: number; readonly cursor?: string | undefined },
): Promise<ShardPage<string>> {
  return readShardPage(table, {
    partitions: [keys.holds(q.merchantId)],
    query: (pk) => ({
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: 'attribute_exists(reasons)',
      ProjectionExpression: 'SK',
      ExpressionAttributeValues: marshall({ ':pk': pk }),
    }),
    map: (item) => String(item.SK),
    limit: q.limit,
    cursor: q.cursor,
    operation: 'queryHolds',
  });
}

export class DynamoHoldStore implements HoldRegistry {
  constructor(private readonly table: TableContext) {}

  /** `createdAt` (the payment's) lists a review hold in the review queue. */
  hold(merchantId: string, paymentId: string, reason: string, createdAt?: string): Promise<void> {
    return this.update(merchantId, paymentId, reason, 'ADD', createdAt);
  }

  release(merchantId: string, paymentId: string, reason: string): Promise<void> {
    return this.update(merchantId, paymentId, reason, 'DELETE');
  }

  /** Applies a batch of changes, in parallel (each is one UpdateItem on its own payment's item). */
  async set(changes: readonly HoldChange[]): Promise<void> {
    await Promise.all(
      changes.map((c) =>
        c.hold
          ? this.hold(c.merchantId, c.paymentId, c.reason)
          : this.release(c.merchantId, c.paymentId, c.reason),
      ),
    );
  }

  private async update(
    merchantId: string,
    paymentId: string,
    reason: string,
    op: 'ADD' | 'DELETE',
    createdAt?: string,
  ) {
    const values: Record<string, unknown> = { ':r': new Set([reason]), ':hold': 'hold' };
    let queue = '';
    if (reason === REVIEW_HOLD && op === 'ADD' && createdAt !== undefined) {
      // The hold item has no GSI1PK, so its GSI1SK (GSI4's sort key) puts it in GSI4 alone.
      queue = ', GSI4PK = :queue, GSI1SK = :sort';
      values[':queue'] = backOfficeKeys.reviewQueue(paymentId);
      values[':sort'] = keys.merchantPaymentsSort(createdAt, paymentId);
    }
    const leave = reason === REVIEW_HOLD && op === 'DELETE' ? ' REMOVE GSI4PK, GSI1SK' : '';
    const out = await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: marshall(keys.hold(merchantId, paymentId)),
        UpdateExpression: `${op} reasons :r SET entity = :hold${queue}${leave}`,
        ExpressionAttributeValues: marshall(values),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, op === 'ADD' ? 'hold' : 'releaseHold', out.ConsumedCapacity);
  }
}
