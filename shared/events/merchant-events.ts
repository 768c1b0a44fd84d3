/**
 * MerchantOnboarded / MerchantRejected / MerchantSuspended / MerchantReinstated from the INSERT of a
 * merchant's change item (store/merchant-items.ts): the item is written in the same transaction as the
 * status it records, so the change and its event are one commit, like every other event here. The id is
 * the merchant and the change's version: each version is written once, so a republished record keeps
 * its event id. The creation (version 1) announces nothing.
 */
import { TRANSITIONS } from '../domain/merchants/onboarding.js';
import type { PaymentsEvent } from '../schemas/events.js';
import type { MerchantChangeItem } from '../store/merchant-items.js';
import { changeFromItem } from '../store/merchant-items.js';
import { eventIdOf } from './event-id.js';

export function merchantEvents(item: MerchantChangeItem): PaymentsEvent[] {
  if (!Object.hasOwn(TRANSITIONS, item.action)) return [];
  const detailType = TRANSITIONS[item.action as keyof typeof TRANSITIONS].event;
  const detail = {
    eventId: eventIdOf(detailType, `${item.merchantId}#${item.version}`),
    occurredAt: item.at,
    merchantId: item.merchantId,
    version: 1 as const,
    data: { merchant: item.merchant, change: changeFromItem(item as unknown as Record<string, unknown>) },
  };
  return [{ detailType, detail } as PaymentsEvent];
}
