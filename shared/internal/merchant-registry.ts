/**
 * The gateway's merchant registry as other services ask for it (functions/internal/merchant-registry.ts):
 * the ids of the merchants of one status, a page at a time, with an opaque cursor. These schemas are the
 * contract between the gateway and its callers; both sides parse with them.
 *
 * - `approved`: every merchant ever approved, suspended ones included (the `MERCHANTS` registry, by id):
 *   what settlement owes money to and what the ops overview counts review holds of;
 * - a merchant status (`active`, `suspended`, …): the merchants in it now (the ops list, newest first).
 */
import * as z from 'zod/mini';
import { MERCHANT_STATUSES } from '../domain/merchants/onboarding.js';
import { type InternalReader, internalReader } from './reader.js';

export const REGISTRY_STATUSES = ['approved', ...MERCHANT_STATUSES] as const;
export type RegistryStatus = (typeof REGISTRY_STATUSES)[number];

/** Ids a page holds at most: ~20 bytes each, far below Lambda's 6 MB answer. */
export const MERCHANT_REGISTRY_MAX_PAGE = 1000;

export const merchantRegistryRequest = z.strictObject({
  status: z.enum(REGISTRY_STATUSES),
  /** The previous page's `nextCursor`, issued for the same status. */
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  /** @default MERCHANT_REGISTRY_MAX_PAGE */
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(MERCHANT_REGISTRY_MAX_PAGE))),
});
export type MerchantRegistryRequest = z.infer<typeof merchantRegistryRequest>;

export const merchantRegistryAnswer = z.strictObject({
  merchantIds: z.array(z.string()),
  /** null: nothing after this page. A page may be short, or empty, with a cursor still to follow. */
  nextCursor: z.nullable(z.string()),
});
export type MerchantRegistryAnswer = z.infer<typeof merchantRegistryAnswer>;

/** One page, as a caller gets it (the gateway's function invoked, or the store itself in tests). */
export type MerchantRegistryReader = InternalReader<MerchantRegistryRequest, MerchantRegistryAnswer>;

/** The reader that invokes the gateway's function at `functionArn` (its live alias). */
export const invokeMerchantRegistry = (functionArn: string | undefined): MerchantRegistryReader =>
  internalReader(merchantRegistryRequest, merchantRegistryAnswer, functionArn);

/** Every page of `status`, in the registry's order. */
export async function* merchantPages(
  read: MerchantRegistryReader,
  status: RegistryStatus,
): AsyncGenerator<string[]> {
  let cursor: string | undefined;
  do {
    const page = await read({ status, ...(cursor ? { cursor } : {}) });
    if (page.merchantIds.length > 0) yield page.merchantIds;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
