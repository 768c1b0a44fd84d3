/**
 * Settlement's side of risk's `held-payments` function (shared/internal/held-payments.ts): the payments of
 * a merchant held out of settlement now, asked of risk page by page. Risk owns its hold registry
 * (`HOLD#`); settlement holds no grant on it.
 */
import { heldPaymentsAnswerSchema } from '../internal/held-payments.js';
import { invokePages } from '../internal/paged-invoke.js';

/** The held payments reader of `SettleDeps.heldPayments`, through the function at `functionArn`. */
export function invokedHeldPayments(functionArn: string) {
  return async (merchantId: string): Promise<Set<string>> => {
    const held = new Set<string>();
    for await (const id of invokePages(functionArn, { merchantId }, heldPaymentsAnswerSchema)) held.add(id);
    return held;
  };
}
