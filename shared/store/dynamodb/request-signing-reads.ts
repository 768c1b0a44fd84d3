/**
 * The read path of merchants' request-signing requirements (keys.ts: `MER#<merchant>` / `SIGNING`), on
 * its own so every merchant route's bundle carries only this GetItem (the ops route's writes are in
 * request-signing.ts).
 */
import { CorruptItemError } from '../errors.js';
import { keys } from '../keys.js';
import { getItemConsistent, type TableContext } from './table.js';

/** What a merchant's requests must carry: nothing, or a signature made with `secret`. */
export type SigningRequirement =
  | { readonly required: false }
  | { readonly required: true; readonly secret: string };

export const SIGNING_NOT_REQUIRED: SigningRequirement = { required: false };

/** The merchant's requirement; absent = not required (strongly consistent GetItem). @throws CorruptItemError */
export async function readSigningRequirement(
  table: TableContext,
  merchantId: string,
): Promise<SigningRequirement> {
  const item = await getItemConsistent(table, keys.requestSigning(merchantId), 'requestSigning.get');
  if (item?.required !== true) return SIGNING_NOT_REQUIRED;
  if (typeof item.secret !== 'string' || item.secret === '') {
    throw new CorruptItemError(`request signing of ${merchantId} is required but has no secret`);
  }
  return { required: true, secret: item.secret };
}
