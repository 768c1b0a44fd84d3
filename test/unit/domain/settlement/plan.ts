/**
 * A test model of consecutive settlement runs for one merchant, kept in memory: run k sees the items
 * visible to it that occurred before its period end and that landed in no earlier run, and feeds them
 * to the accumulator with the holds of that run. This is what the store does with queries and
 * markers; here it is a few arrays, so properties can check the partition it produces.
 */
import {
  type IdLookup,
  type LineItem,
  type Pricing,
  SettlementAccumulator,
  type SettlementTotals,
} from '../../../../shared/domain/settlement/index.js';

export interface PlannedItem extends LineItem {
  /** The first run that can see it: later than its window for a callback that came late. */
  readonly visibleFrom: number;
}

export interface PlannedRun {
  readonly periodEnd: string;
  readonly totals: SettlementTotals[];
  /** Ids of the items that land in this run's settlements. */
  readonly landed: readonly string[];
  /** Ids of the payments this run held. */
  readonly held: readonly string[];
}

/** An item's key in the partition: its type and id. */
export const keyOf = (item: Pick<LineItem, 'type' | 'id'>): string => `${item.type}:${item.id}`;

/**
 * Runs `periodEnds.length` consecutive settlements. `heldAt(k)` answers the payments held at run k.
 * Timestamps compare as strings: the model writes them all as `toISOString()` does.
 */
export function planSettlements(
  items: readonly PlannedItem[],
  periodEnds: readonly string[],
  heldAt: (run: number) => IdLookup,
  pricing: Pricing,
): PlannedRun[] {
  const landed = new Set<string>();
  /** Payments held by an earlier run and not landed since: in merchant_held. */
  const heldEarlier = new Set<string>();
  return periodEnds.map((periodEnd, run) => {
    const accumulator = new SettlementAccumulator({ pricing, held: heldAt(run), heldEarlier });
    const landedNow: string[] = [];
    const heldNow: string[] = [];
    for (const item of items) {
      if (item.visibleFrom > run || item.occurredAt >= periodEnd || landed.has(keyOf(item))) continue;
      const disposition = accumulator.add(item);
      if (disposition === 'held') heldNow.push(item.id);
      else landedNow.push(keyOf(item));
    }
    const totals = accumulator.totals();
    for (const key of landedNow) landed.add(key);
    for (const key of landedNow) heldEarlier.delete(key.slice(key.indexOf(':') + 1));
    for (const id of heldNow) heldEarlier.add(id);
    return { periodEnd, totals, landed: landedNow, held: heldNow };
  });
}
