/**
 * Reconciliation's side of core's `channel-day-outcomes` function (shared/internal/channel-day-outcomes.ts):
 * a channel-day's applied outcomes, asked of core page by page. Core owns them (GSI3); reconciliation holds
 * no grant on its index.
 */
import type { Expectation } from '../domain/reconciliation/expectations.js';
import { channelDayOutcomesAnswerSchema } from '../internal/channel-day-outcomes.js';
import { invokePages } from '../internal/paged-invoke.js';

/** The expectations reader of `ReconciliationDeps.expectations`, through the function at `functionArn`. */
export function invokedExpectations(functionArn: string) {
  return (channel: string, date: string): AsyncIterable<Expectation> =>
    invokePages(functionArn, { channel, date }, channelDayOutcomesAnswerSchema);
}
