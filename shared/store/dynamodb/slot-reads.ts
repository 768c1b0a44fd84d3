/**
 * The one read of whatever item occupies an object slot (keys.ts `OBJ#<slot>`: a payment, a refund
 * request, a stored refusal…), strongly consistent: payments, risk and the ops payment read all start here.
 */
import { keys } from '../keys.js';
import { getItemConsistent, type TableContext } from './table.js';

/** The slot's item, or `undefined`; `operation` names the read in capacity reports. */
export function readSlot(
  table: TableContext,
  slot: string,
  operation: string,
): Promise<Record<string, unknown> | undefined> {
  return getItemConsistent(table, keys.object(slot), operation);
}
