/**
 * How a merchant is stored (keys.ts): its record `MER#<id>` / `MER`, one entry in the ops list of every
 * merchant and one in the list of its status (`MERLIST#…`, newest first, each a copy of the merchant's
 * view so a page is one Query), and one change item per transition (`MERHIST#<version>`: the history,
 * and the outbox of the merchant's events). Without zod or the SDK: the key seeding and the stream
 * publisher use it too.
 */
import type { MerchantStatus, RiskRating } from '../domain/merchants/onboarding.js';
import type { ApiKeyChange, Merchant, MerchantChange } from '../schemas/merchants.js';
import { keys } from './keys.js';

export interface MerchantItem {
  PK: string;
  SK: string;
  entity: 'merchant';
  merchantId: string;
  name: string;
  country: string;
  website: string | null;
  mcc: string | null;
  expectedMonthlyVolume: Record<string, number>;
  status: MerchantStatus;
  riskRating: RiskRating | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface MerchantChangeItem extends MerchantChange {
  PK: string;
  SK: string;
  entity: 'merchantChange';
  merchantId: string;
  version: number;
  /** The merchant after the change: what its event carries. */
  merchant: Merchant;
}

/** The merchant as the API shows it. Records seeded before onboarding existed read as active. */
export function merchantFromItem(item: object): Merchant {
  const m = item as Partial<MerchantItem> & { merchantId: string };
  return {
    id: m.merchantId,
    object: 'merchant',
    name: m.name ?? m.merchantId,
    country: m.country ?? 'US',
    website: m.website ?? null,
    mcc: m.mcc ?? null,
    expectedMonthlyVolume: m.expectedMonthlyVolume ?? {},
    status: m.status ?? 'active',
    riskRating: m.riskRating ?? null,
    createdAt: m.createdAt ?? '1970-01-01T00:00:00.000Z',
    updatedAt: m.updatedAt ?? m.createdAt ?? '1970-01-01T00:00:00.000Z',
  };
}

/** The merchant's entries in the ops lists (all merchants, and those of its status). */
export function merchantListEntries(merchant: Merchant): Record<string, unknown>[] {
  return [undefined, merchant.status].map((status) => ({
    ...keys.merchantListEntry(merchant.createdAt, merchant.id, status),
    entity: 'merchantListEntry',
    merchantId: merchant.id,
    merchant,
  }));
}

/** The change item of a transition (history and outbox). */
export function merchantChangeItem(
  merchant: Merchant,
  version: number,
  change: MerchantChange,
): MerchantChangeItem {
  return {
    ...keys.merchantChange(merchant.id, version),
    entity: 'merchantChange',
    merchantId: merchant.id,
    version,
    ...change,
    merchant,
  };
}

/** A change as the history shows it. */
export function changeFromItem(item: Record<string, unknown>): MerchantChange {
  const c = item as unknown as MerchantChangeItem;
  return {
    action: c.action,
    from: c.from ?? null,
    to: c.to,
    by: c.by,
    at: c.at,
    note: c.note ?? null,
    ...(c.riskRating ? { riskRating: c.riskRating } : {}),
  };
}

/**
 * The history item of a key's issue, roll or revocation: under the merchant, beside its own changes (one
 * Query reads both). One per key and action, so a revocation sent twice is recorded once.
 */
export function apiKeyChangeItem(merchantId: string, change: ApiKeyChange): Record<string, unknown> {
  return {
    ...keys.merchantKeyChange(merchantId, change.keyId, change.action),
    entity: 'merchantKeyChange',
    merchantId,
    ...change,
  };
}

/** A key change as the history shows it. */
export function apiKeyChangeFromItem(item: Record<string, unknown>): ApiKeyChange {
  const c = item as unknown as ApiKeyChange;
  return {
    action: c.action,
    keyId: c.keyId,
    ...(c.newKeyId ? { newKeyId: c.newKeyId } : {}),
    by: c.by,
    at: c.at,
    note: c.note ?? null,
  };
}
