/**
 * The refunds of the payment a refund belongs to, as the callback needs them to read an Alipay refund
 * notify's cumulative amount (domain/cumulative-refund.ts). Two strongly consistent reads, made only for
 * such notifies: the refund's request at its slot (→ its payment), then the payment's refunds
 * (Query OBJ#<payment slot> begins_with REF#, keys.ts).
 */
import type { HeldRefund } from '../../domain/cumulative-refund.js';
import { slotOfId } from '../items.js';
import { backOfficeKeys, keys } from '../keys.js';
import { getItemConsistent, queryPages, type TableContext } from './table.js';

/** The refunds of `refundId`'s payment; empty when the refund is not ours. */
export async function refundsBesides(table: TableContext, refundId: string): Promise<HeldRefund[]> {
  const slot = slotOfId(refundId, 're');
  const request = slot
    ? await getItemConsistent(table, keys.object(slot), 'refundRequestOfNotify')
    : undefined;
  const paymentSlot =
    request?.entity === 'refundRequest' ? slotOfId(String(request.paymentId), 'pay') : undefined;
  if (!paymentSlot) return [];
  const refunds: HeldRefund[] = [];
  for await (const item of queryPages(
    table,
    {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ref)',
      ExpressionAttributeValues: {
        ':pk': { S: keys.object(paymentSlot).PK },
        ':ref': { S: backOfficeKeys.refundPrefix },
      },
      ProjectionExpression: 'id, amount, #status, createdAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ConsistentRead: true,
    },
    'refundsOfNotify',
  )) {
    refunds.push({
      id: String(item.id),
      amount: Number(item.amount),
      status: item.status as HeldRefund['status'],
    });
  }
  return refunds;
}
