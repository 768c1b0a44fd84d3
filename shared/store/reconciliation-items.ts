/**
 * Reconciliation items as stored (keys.ts) and their API objects: pure, so the stream publisher can
 * derive `DiscrepancyFound` from a stream image without the DynamoDB client in its bundle.
 */
import type { ReconciliationCounts } from '../domain/reconciliation/discrepancy.js';
import type { DiscrepancyObject, ReconciliationRun } from '../schemas/reconciliation.js';

export const RUN_ID_PREFIX = 'rcr_';
export const RUN_ID = /^rcr_([a-z2-7]{26})$/;
const DISCREPANCY_ID = /^dsc_([a-z0-9]+)_(\d{4})(\d{2})(\d{2})_[a-z2-7]{26}$/;

export interface RunItem {
  PK: string;
  SK: string;
  entity: 'reconciliationRun';
  id: string;
  channel: string;
  date: string;
  status: ReconciliationRun['status'];
  counts: ReconciliationCounts;
  repaired: number;
  source: ReconciliationRun['source'];
  error: string | null;
  requestFingerprint: string;
  /** Who started it (the ops key's principal, or `schedule`). */
  callerId: string;
  createdAt: string;
  completedAt: string | null;
  /** While an executor holds the run (see claimRun): until when, and who. */
  leaseUntil?: string;
  executor?: string;
}

/** A discrepancy as stored: the API object plus keys, its merchant (for its event) and its entity. */
export type DiscrepancyItem = DiscrepancyObject & {
  PK: string;
  SK: string;
  entity: 'discrepancy';
  merchantId: string | null;
};

/** What a rerun keeps of an earlier finding. */
export interface KnownDiscrepancy {
  readonly status: DiscrepancyObject['status'];
  readonly note: string | null;
  readonly createdAt: string;
  readonly kind: DiscrepancyObject['kind'];
  readonly type: DiscrepancyObject['type'];
  readonly reference: string | null;
}

export const EMPTY_COUNTS: ReconciliationCounts = {
  matched: 0,
  localMissing: 0,
  channelMissing: 0,
  mismatched: 0,
  duplicates: 0,
};

export function runFromItem(item: RunItem): ReconciliationRun {
  return {
    id: item.id,
    object: 'reconciliation_run',
    channel: item.channel as ReconciliationRun['channel'],
    date: item.date,
    status: item.status,
    counts: item.counts,
    repaired: item.repaired,
    source: item.source,
    error: item.error,
    createdAt: item.createdAt,
    completedAt: item.completedAt,
  };
}

export function discrepancyFromItem(item: DiscrepancyItem): DiscrepancyObject {
  const { PK: _pk, SK: _sk, entity: _entity, merchantId: _merchant, ...object } = item;
  return object;
}

/** The channel-day a discrepancy id names, or `undefined` for an id we never issue. */
export function channelDayOfDiscrepancy(id: string): { channel: string; date: string } | undefined {
  const m = DISCREPANCY_ID.exec(id);
  return m ? { channel: String(m[1]), date: `${m[2]}-${m[3]}-${m[4]}` } : undefined;
}
