/**
 * Settlement's side of core's `settlement-lines` function (shared/internal/settlement-lines.ts): a
 * merchant's line items of a window, asked of core page by page. Core owns them (GSI2); settlement holds
 * no grant on its index.
 */
import type { LineItem } from '../domain/settlement/accumulate.js';
import { invokePages } from '../internal/paged-invoke.js';
import { settlementLinesAnswerSchema } from '../internal/settlement-lines.js';

/** The line items reader of `SettleDeps.lineItems`, through the function at `functionArn`. */
export function invokedLineItems(functionArn: string) {
  return (merchantId: string, [from, to]: readonly [string, string]): AsyncIterable<LineItem> =>
    // An empty window (a run for a day already settled) asks nothing.
    from >= to
      ? none()
      : (invokePages(
          functionArn,
          { merchantId, from, to },
          settlementLinesAnswerSchema,
        ) as AsyncIterable<LineItem>);
}

async function* none(): AsyncGenerator<LineItem> {}
