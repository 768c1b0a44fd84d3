/**
 * What a payment's event timeline is derived from (shared/events/timeline.ts): the payment item and its
 * refunds, which share the payment's partition (keys.ts), so ONE consistent Query reads them all (the
 * channel reports kept there, MISMATCH# and CONFLICT#, are skipped). Nothing is written per event.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { ObjectNotFoundError } from '../errors.js';
import { type PaymentItem, type RefundItem, slotOfId } from '../items.js';
import { keys } from '../keys.js';
import { queryPages, type TableContext } from './table.js';

/** The payment item (any merchant's) and its refunds. @throws ObjectNotFoundError */
export async function readPaymentWithRefunds(
  table: TableContext,
  paymentId: string,
): Promise<{ payment: PaymentItem; refunds: RefundItem[] }> {
  const slot = slotOfId(paymentId, 'pay');
  if (!slot) throw new ObjectNotFoundError(paymentId);
  let payment: PaymentItem | undefined;
  const refunds: RefundItem[] = [];
  for await (const item of queryPages(
    table,
    {
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: marshall({ ':pk': keys.object(slot).PK }),
      ConsistentRead: true,
    },
    'paymentTimeline',
  )) {
    if (item.entity === 'payment') payment = item as unknown as PaymentItem;
    else if (item.entity === 'refund') refunds.push(item as unknown as RefundItem);
  }
  if (!payment) throw new ObjectNotFoundError(paymentId);
  return { payment, refunds };
}
