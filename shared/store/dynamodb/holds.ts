/**
 * Payments held out of settlement, per merchant (`HOLD#<merchant>` / `<paymentId>`): a string set of the
 * reasons holding each (`review`, or a discrepancy id). ADD and DELETE of a set member are idempotent, so
 * every writer (risk control, ops review, reconciliation) can repeat its call after a crash. A payment is
 * held while its set is not empty (DynamoDB drops an emptied set). Settlement reads a merchant's holds
 * with one Query; nothing is written per payment that is not held.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

export const REVIEW_HOLD = 'review';

export class DynamoHoldStore {
  constructor(private readonly table: TableContext) {}

  hold(merchantId: string, paymentId: string, reason: string): Promise<void> {
    return this.update(merchantId, paymentId, reason, 'ADD');
  }

  release(merchantId: string, paymentId: string, reason: string): Promise<void> {
    return this.update(merchantId, paymentId, reason, 'DELETE');
  }

  private async update(merchantId: string, paymentId: string, reason: string, op: 'ADD' | 'DELETE') {
    const out = await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: marshall(keys.hold(merchantId, paymentId)),
        UpdateExpression: `${op} reasons :r SET entity = :hold`,
        ExpressionAttributeValues: marshall({ ':r': new Set([reason]), ':hold': 'hold' }),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, op === 'ADD' ? 'hold' : 'releaseHold', out.ConsumedCapacity);
  }
}
