/**
 * Core's answer to `payment-customer` (shared/internal/payment-customer.ts): the merchant's payment's
 * customer identifiers, read with the payment store's one strongly consistent read of the slot. Another
 * merchant's payment is `not_found`, exactly as a missing one, so the answer tells a merchant nothing
 * about payments not its own.
 */
import type { PaymentCustomerAnswer, PaymentCustomerRequest } from '../../internal/payment-customer.js';
import { type PaymentItem, slotOfId } from '../items.js';
import { readSlot } from './slot-reads.js';
import type { TableContext } from './table.js';

export async function paymentCustomerOf(
  table: TableContext,
  request: PaymentCustomerRequest,
): Promise<PaymentCustomerAnswer> {
  const slot = slotOfId(request.paymentId, 'pay');
  if (!slot) return { outcome: 'not_found' };
  const item = await readSlot(table, slot, 'paymentCustomer');
  if (item?.entity !== 'payment' || item.merchantId !== request.merchantId) return { outcome: 'not_found' };
  const customer = (item as unknown as PaymentItem).customer;
  if (!customer) return { outcome: 'found', customer: null };
  return {
    outcome: 'found',
    customer: {
      ...(customer.id ? { id: customer.id } : {}),
      ...(customer.email ? { email: customer.email } : {}),
      ...(customer.ip ? { ip: customer.ip } : {}),
    },
  };
}
