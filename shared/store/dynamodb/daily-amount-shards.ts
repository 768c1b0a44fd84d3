/**
 * A merchant's daily amount limit, counted on up to AMOUNT_SHARDS items (keys.ts `CTR#…#AMT#<day>#<cur>[#<j>]`)
 * so that one merchant's counted creates never meet in one partition key.
 *
 * The limit L is split into shares that add up to L exactly: L is cut into blocks of AMOUNT_BLOCK minor
 * units dealt to the shards in turn (shard 0, 1, …, 63, 0, …), the last block partial. Every share only
 * grows when L grows, and a limit of at most one block is one shard (the single counter it always was).
 * A payment's amount is counted as one or more pieces, each an `ADD total` guarded by "that shard's total
 * stays within its share"; all pieces sit in the create's transaction, so the sum over the shards never
 * exceeds L, under any concurrency.
 *
 * Which shards: a payment goes whole to a random shard with room. Each store keeps, per merchant,
 * currency and day, a snapshot of the shards' totals; counters only grow within a day, so a snapshot is a
 * lower bound of every total, and a refusal decided from it is never wrong. When a piece finds no room,
 * its shard's current total comes back with the cancellation (ALL_OLD) and the plan is made again; a
 * snapshot older than SNAPSHOT_REFRESH_MS (or none) is read again first (one consistent BatchGetItem of
 * all shards). When no shard alone has room, the amount is split over the shards with the most room.
 * So a payment is refused for `daily_amount_limit` only when L − (what the shards had counted, as read
 * during its create) is less than its amount: what one exact counter would answer.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { keys } from '../keys.js';
import { readTotals } from './batch-read.js';
import { guardedAdd } from './risk-counters.js';
import type { TableContext } from './table.js';

/** Minor units of the limit dealt to a shard at a time: a limit up to this is one counter item. */
export const AMOUNT_BLOCK = 1_000_000;
/** 2 write units per counted create (transactional) over 64 keys: ≤ 0.032 write units per key. */
export const AMOUNT_SHARDS = 64;
/** A snapshot older than this is read again before a plan that follows a refused piece. */
export const SNAPSHOT_REFRESH_MS = 1_000;
const MAX_SNAPSHOTS = 1_000;

/** Shard `j`'s share of `limit`; the shares of all shards add up to `limit`. */
export function shardShare(limit: number, j: number): number {
  const blocks = Math.floor(limit / AMOUNT_BLOCK);
  const partial = blocks % AMOUNT_SHARDS;
  const rest = limit - blocks * AMOUNT_BLOCK;
  return (
    Math.floor(blocks / AMOUNT_SHARDS) * AMOUNT_BLOCK +
    (j < partial ? AMOUNT_BLOCK : 0) +
    (j === partial ? rest : 0)
  );
}

/** The key of shard `j`: shard 0 keeps the single counter's key. */
export function amountShardKey(merchantId: string, day: string, currency: string, j: number) {
  return keys.riskCounter(merchantId, 'AMT', day, currency, ...(j === 0 ? [] : [String(j)]));
}

export interface Piece {
  readonly shard: number;
  readonly amount: number;
}

/** What the shards had counted, at least (a lower bound per shard), and when it was last read whole. */
interface Snapshot {
  readonly totals: number[];
  readAt: number;
}

export type Plan = Piece[] | 'refuse' | 'read';

/**
 * The pieces of `amount` under `limit` given a snapshot (or none): 'read' when the snapshot is needed,
 * 'refuse' when the room left cannot take the amount.
 */
export function planPieces(limit: number, amount: number, totals: readonly number[] | undefined): Plan {
  const free = Array.from({ length: AMOUNT_SHARDS }, (_, j) =>
    Math.max(0, shardShare(limit, j) - (totals?.[j] ?? 0)),
  );
  const whole = free.flatMap((f, j) => (f >= amount ? [j] : []));
  const pick = whole[Math.floor(Math.random() * whole.length)];
  if (!totals) return pick === undefined ? 'read' : [{ shard: pick, amount }];
  const counted = totals.reduce((s, t) => s + t, 0);
  if (limit - counted < amount || free.reduce((s, f) => s + f, 0) < amount) return 'refuse';
  if (pick !== undefined) return [{ shard: pick, amount }];
  const pieces: Piece[] = [];
  let left = amount;
  for (const j of free.map((_, j) => j).sort((a, b) => (free[b] ?? 0) - (free[a] ?? 0))) {
    const take = Math.min(left, free[j] ?? 0);
    pieces.push({ shard: j, amount: take });
    left -= take;
    if (left === 0) break;
  }
  return pieces;
}

/** The daily amount counters of one store (one per container in Lambda), with their snapshots. */
export class DailyAmountShards {
  private readonly snapshots = new Map<string, Snapshot>();
  /** Counters whose next plan must read the shards first (a piece found no room, no fresh snapshot). */
  private readonly stale = new Set<string>();

  constructor(
    private readonly table: TableContext,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Plans the pieces of a payment, reading the shards when the plan needs it. */
  async plan(merchantId: string, day: string, currency: string, limit: number, amount: number) {
    const id = `${merchantId}#${currency}#${day}`;
    const plan = this.stale.delete(id) ? 'read' : planPieces(limit, amount, this.snapshots.get(id)?.totals);
    if (plan !== 'read') return plan;
    const snapshot = await this.read(id, merchantId, day, currency);
    return planPieces(limit, amount, snapshot.totals);
  }

  /**
   * Learns from an attempt: pieces written add to the snapshot; a refused piece brings its shard's total
   * (ALL_OLD). A snapshot older than SNAPSHOT_REFRESH_MS is dropped after a refused piece (read again).
   */
  learn(
    merchantId: string,
    day: string,
    currency: string,
    written: readonly Piece[],
    refused: ReadonlyArray<readonly [shard: number, total: number]>,
  ): void {
    const id = `${merchantId}#${currency}#${day}`;
    const snapshot = this.snapshots.get(id);
    if (snapshot) {
      for (const p of written) snapshot.totals[p.shard] = (snapshot.totals[p.shard] ?? 0) + p.amount;
      for (const [j, total] of refused) snapshot.totals[j] = Math.max(snapshot.totals[j] ?? 0, total);
    }
    if (refused.length > 0 && (!snapshot || this.clock() - snapshot.readAt > SNAPSHOT_REFRESH_MS))
      this.stale.add(id);
  }

  private async read(id: string, merchantId: string, day: string, currency: string): Promise<Snapshot> {
    const keys = Array.from({ length: AMOUNT_SHARDS }, (_, j) =>
      amountShardKey(merchantId, day, currency, j),
    );
    const found = await readTotals(this.table, keys, 'riskCounter.readShards');
    const snapshot = { totals: keys.map((k) => found.get(k.PK) ?? 0), readAt: this.clock() };
    if (this.snapshots.size >= MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value ?? '');
    this.snapshots.set(id, snapshot);
    return snapshot;
  }
}

/** The guarded `ADD total` of one piece, for the create's transaction (condition: the share holds it). */
export function pieceWrite(
  tableName: string,
  at: { merchantId: string; day: string; currency: string; limit: number; expiresAt: number },
  piece: Piece,
): TransactWriteItem {
  // A fresh shard takes the piece only within its share: planPieces never plans more, so room ≥ 0.
  const key = amountShardKey(at.merchantId, at.day, at.currency, piece.shard);
  const room = shardShare(at.limit, piece.shard) - piece.amount;
  return guardedAdd(tableName, key, 'total', piece.amount, room, at.expiresAt);
}
