/**
 * Hot keys, from the partition keys the metering proxy saw (partition-keys.ts): concrete keys reduced to
 * key patterns (`OBJ#<slot>`, `GSI1 MER#<merchant>`, `CTR#<merchant>#AMT#<day>#USD`), units per lifecycle
 * per pattern, and the ceilings they put on one merchant and on one channel.
 *
 * DynamoDB serves at most 1,000 write units and 3,000 read units a second per partition key (per table and
 * per index). A key every payment of one merchant writes caps that merchant at 1,000 ÷ (units per payment
 * on that key) payments a second, whatever the table's capacity. Keys unique to a payment (`OBJ#<slot>`) or
 * to a customer never limit a merchant: their traffic does not grow with the merchant's rate.
 *
 * Measuring a sharded key honestly with a few hundred lifecycles: per pattern, the busiest concrete key is
 * what DynamoDB would throttle. Its count at the bench's volume is noisy (50 writes over 32 shards put 4 or
 * 5 on the busiest shard where the steady state is 1.6), so when the busiest key is within sampling noise
 * of an even spread (the busiest of as many Poisson draws, `busiestByChance`) the load per key is the
 * pattern's mean over the keys the bench touched.
 * That mean is never below the true share per shard (shards the bench did not touch are not counted), so
 * the figure errs towards a lower ceiling; a real skew (a shard chosen by merchant, one busy endpoint)
 * fails the test and the busiest key counts.
 */
import { MAX_BURST, MAX_REQUESTS_PER_SECOND, shardCount } from '../../shared/domain/flow/token-bucket.js';
import { ROUTING_CHANNELS } from '../../shared/domain/routing/catalogue.js';
import {
  type CallerReads,
  CONTAINER_CACHED_READS,
  type ContainerDrivers,
  callerReads,
  containerCeiling,
} from './container-reads.js';
import type { KeyTally } from './metering-proxy.js';
import { busiestByChance, NOISE_P } from './spread.js';

export const WRITE_UNITS_PER_SECOND_PER_KEY = 1_000;
export const READ_UNITS_PER_SECOND_PER_KEY = 3_000;

/** Who shares a key: one payment (or customer, batch…), one merchant, one channel, or everything. */
export type KeyScope = 'payment' | 'merchant' | 'channel' | 'global';

const CHANNELS = new Set<string>(ROUTING_CHANNELS);

/** Placeholders for values unique to a payment, a customer or a batch: such keys are never hot. */
const PER_PAYMENT = new Set(['<slot>', '<payment>', '<refund>', '<customer>', '<event>', '<batch>', '<id>']);

/** One segment of a key (split on `#`) reduced to a placeholder, or kept as written (a literal). */
function segment(value: string, position: number, prefix: string, last: boolean): string {
  if (position === 0) return value;
  if (prefix === 'OBJ' && position === 1) return '<slot>';
  if (prefix === 'KEY' && position === 1) return '<digest>';
  if (prefix === 'USAGEBATCH' && position === 1) return '<batch>';
  if (/^m_[\w-]+$/.test(value)) return '<merchant>';
  if (/^we_[\w-]+$/.test(value)) return '<endpoint>';
  if (/^cus_/.test(value)) return '<customer>';
  if (/^pay_/.test(value)) return '<payment>';
  if (/^re_/.test(value)) return '<refund>';
  if (/^evt_/.test(value)) return '<event>';
  if (CHANNELS.has(value)) return '<channel>';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return '<day>';
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return '<minute>';
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return '<time>';
  if (/^\d{10,}$/.test(value)) return '<hour>';
  // A window's number (minutes or hours since the epoch): one key per window, in sequence.
  if (/^\d{5,9}$/.test(value)) return '<window>';
  if (last && position > 1 && /^[a-z0-9]{1,2}$/.test(value)) return '<shard>';
  // A numbered partition right after the prefix (`PAYMENTS#07`): letters there are a name (`DSC#ab`).
  if (last && position === 1 && /^\d{1,3}$/.test(value)) return '<shard>';
  if (/^[A-Za-z0-9_-]{20,}$/.test(value)) return '<id>';
  return value;
}

/**
 * A concrete key (`<pk>` on the table, `<index> <pk>` on a GSI) as its pattern:
 * `GSI3 RECON#sandbox#2026-12-06#q` → `GSI3 RECON#<channel>#<day>#<shard>`.
 */
export function keyPattern(key: string): string {
  const space = key.indexOf(' ');
  const index = space > 0 && /^GSI\d+$/.test(key.slice(0, space)) ? key.slice(0, space) : '';
  const pk = index ? key.slice(space + 1) : key;
  const parts = pk.split('#');
  const prefix = parts[0] ?? '';
  const reduced = parts.map((p, i) => segment(p, i, prefix, i === parts.length - 1)).join('#');
  return index ? `${index} ${reduced}` : reduced;
}

/** Who shares the keys of a pattern (see `KeyScope`). */
export function scopeOf(pattern: string): KeyScope {
  const placeholders = pattern.match(/<[a-z]+>/g) ?? [];
  if (placeholders.some((p) => PER_PAYMENT.has(p))) return 'payment';
  if (placeholders.some((p) => p === '<merchant>' || p === '<endpoint>' || p === '<digest>'))
    return 'merchant';
  if (placeholders.some((p) => p === '<channel>')) return 'channel';
  return 'global';
}

export interface PatternRow {
  readonly pattern: string;
  readonly scope: KeyScope;
  /** Concrete keys of the pattern the bench touched. */
  readonly keys: number;
  /** How the ceiling is reached when not from one key's measured load. */
  readonly model?: string;
  /** Per caller, the container model's figures (container-reads.ts), for reads behind caches. */
  readonly containers?: Record<string, CallerReads>;
  /** Units per lifecycle over the pattern's keys, by calling function. */
  readonly byCaller: Record<string, { writeUnits: number; readUnits: number }>;
  /** Units per lifecycle over all keys of the pattern. */
  readonly writeUnitsPerLifecycle: number;
  readonly readUnitsPerLifecycle: number;
  /** Units per lifecycle on one key of the pattern, as the ceiling counts it (see the file comment). */
  readonly writeUnitsPerKeyPerLifecycle: number;
  readonly readUnitsPerKeyPerLifecycle: number;
  readonly busiestWriteKey?: string;
  readonly busiestReadKey?: string;
  /** Payments a second one key of the pattern takes before DynamoDB throttles it (∞ if untouched). */
  readonly paymentsPerSecond: number;
  readonly limitedBy: 'writes' | 'reads' | 'none';
}

/**
 * Units per lifecycle on one key of a pattern: the busiest key's, unless an even spread over the keys
 * seen would put that many on its busiest key with a chance of at least NOISE_P (Poisson), then the mean
 * over those keys.
 */
export function perKeyLoad(
  tallies: readonly { units: number; count: number; key: string }[],
  lifecycles: number,
): { units: number; busiest?: string } {
  const touched = tallies.filter((t) => t.count > 0);
  if (touched.length === 0) return { units: 0 };
  const busiest = touched.reduce((a, b) => (b.units > a.units ? b : a));
  const meanCount = touched.reduce((s, t) => s + t.count, 0) / touched.length;
  const meanUnits = touched.reduce((s, t) => s + t.units, 0) / touched.length;
  const even = touched.length > 1 && busiestByChance(busiest.count, meanCount, touched.length) >= NOISE_P;
  return { units: (even ? meanUnits : busiest.units) / lifecycles, busiest: busiest.key };
}

/** Payments a second a key takes, given its units per payment (∞ when it takes none). */
export function keyCeiling(writeUnitsPerPayment: number, readUnitsPerPayment: number) {
  const byWrites =
    writeUnitsPerPayment > 0 ? WRITE_UNITS_PER_SECOND_PER_KEY / writeUnitsPerPayment : Infinity;
  const byReads = readUnitsPerPayment > 0 ? READ_UNITS_PER_SECOND_PER_KEY / readUnitsPerPayment : Infinity;
  return {
    paymentsPerSecond: Math.min(byWrites, byReads),
    limitedBy: (byWrites === Infinity && byReads === Infinity
      ? 'none'
      : byWrites <= byReads
        ? 'writes'
        : 'reads') as PatternRow['limitedBy'],
  };
}

/**
 * Patterns whose keys multiply with the rate a merchant is allowed: its flow buckets, one item per
 * SHARD_RPS of its `requestsPerSecond` (token-bucket.ts `shardCount`). A merchant paying R a second has
 * limits of at least R (flow control refuses the rest), so the units the bench measured per payment over
 * all the pattern's keys, U, fall at R on shardCount(R) keys: U × R ÷ shardCount(R) a second on each.
 * U measured at the bench's rate is an upper bound: a container's leases take more tokens the busier it is.
 */
export const LIMIT_SHARDED: ReadonlySet<string> = new Set(['FLOW#<merchant>#<shard>']);

/**
 * The highest rate, up to the most a merchant may be allowed (MAX_REQUESTS_PER_SECOND), at which no key of
 * a LIMIT_SHARDED pattern takes more than DynamoDB's per-key units, given the pattern's units per payment.
 */
export function limitShardedCeiling(writeUnitsPerPayment: number, readUnitsPerPayment: number): number {
  for (let r = 1; r <= MAX_REQUESTS_PER_SECOND; r += 1) {
    const shards = shardCount({ requestsPerSecond: r, burst: MAX_BURST });
    if (
      (writeUnitsPerPayment * r) / shards > WRITE_UNITS_PER_SECOND_PER_KEY ||
      (readUnitsPerPayment * r) / shards > READ_UNITS_PER_SECOND_PER_KEY
    )
      return r - 1;
  }
  return MAX_REQUESTS_PER_SECOND;
}

/** The most a container-cached pattern is searched to (payments a second): far past any goal. */
const CONTAINER_SEARCH_CAP = 1_000_000;

/** A container-cached pattern's ceiling: reads by containers, writes per payment (container-reads.ts). */
function containerPatternCeiling(
  containers: Readonly<Record<string, CallerReads>>,
  share: number,
  writeUnitsPerPayment: number,
): { paymentsPerSecond: number; limitedBy: PatternRow['limitedBy'] } {
  const rate = containerCeiling(containers, share, writeUnitsPerPayment, {
    read: READ_UNITS_PER_SECOND_PER_KEY,
    write: WRITE_UNITS_PER_SECOND_PER_KEY,
    cap: CONTAINER_SEARCH_CAP,
  });
  const byWrites = writeUnitsPerPayment * (rate + 1) > WRITE_UNITS_PER_SECOND_PER_KEY;
  return { paymentsPerSecond: rate, limitedBy: byWrites ? 'writes' : 'reads' };
}

/** The per-pattern table of a measured window, busiest patterns (lowest ceiling) first. */
export function hotKeyTable(
  keys: Readonly<Record<string, KeyTally>>,
  lifecycles: number,
  drivers?: ContainerDrivers,
): PatternRow[] {
  const groups = new Map<string, Array<[string, KeyTally]>>();
  for (const entry of Object.entries(keys)) {
    const pattern = keyPattern(entry[0]);
    groups.set(pattern, [...(groups.get(pattern) ?? []), entry]);
  }
  const rows = [...groups].map(([pattern, entries]): PatternRow => {
    const scope = scopeOf(pattern);
    const w = perKeyLoad(
      entries.map(([key, t]) => ({ key, units: t.writeUnits, count: t.writes })),
      lifecycles,
    );
    const r = perKeyLoad(
      entries.map(([key, t]) => ({ key, units: t.readUnits, count: t.reads })),
      lifecycles,
    );
    const writeUnitsPerLifecycle = entries.reduce((s, [, t]) => s + t.writeUnits, 0) / lifecycles;
    const readUnitsPerLifecycle = entries.reduce((s, [, t]) => s + t.readUnits, 0) / lifecycles;
    const byLimits = LIMIT_SHARDED.has(pattern) && scope !== 'payment';
    const readsByCaller: Record<string, number> = {};
    for (const [, t] of entries)
      for (const [caller, u] of Object.entries(t.byCaller ?? {}))
        readsByCaller[caller] = (readsByCaller[caller] ?? 0) + u.readUnits;
    const containers =
      drivers && CONTAINER_CACHED_READS.has(pattern) && scope !== 'payment' && readUnitsPerLifecycle > 0
        ? callerReads(readsByCaller, drivers)
        : undefined;
    const ceiling =
      scope === 'payment'
        ? keyCeiling(0, 0)
        : byLimits
          ? {
              paymentsPerSecond: limitShardedCeiling(writeUnitsPerLifecycle, readUnitsPerLifecycle),
              limitedBy: (readUnitsPerLifecycle * WRITE_UNITS_PER_SECOND_PER_KEY >
              writeUnitsPerLifecycle * READ_UNITS_PER_SECOND_PER_KEY
                ? 'reads'
                : 'writes') as PatternRow['limitedBy'],
            }
          : containers
            ? containerPatternCeiling(containers, r.units / readUnitsPerLifecycle, w.units)
            : keyCeiling(w.units, r.units);
    const byCaller: Record<string, { writeUnits: number; readUnits: number }> = {};
    for (const [, t] of entries)
      for (const [caller, u] of Object.entries(t.byCaller ?? {})) {
        byCaller[caller] ??= { writeUnits: 0, readUnits: 0 };
        const c = byCaller[caller];
        c.writeUnits += u.writeUnits / lifecycles;
        c.readUnits += u.readUnits / lifecycles;
      }
    return {
      pattern,
      scope,
      keys: entries.length,
      ...(byLimits && { model: 'keys grow with the merchant’s flow limits (LIMIT_SHARDED)' }),
      ...(containers && { model: 'reads grow with containers (container-reads.ts)', containers }),
      byCaller,
      writeUnitsPerLifecycle,
      readUnitsPerLifecycle,
      writeUnitsPerKeyPerLifecycle: w.units,
      readUnitsPerKeyPerLifecycle: r.units,
      ...(w.busiest && { busiestWriteKey: w.busiest }),
      ...(r.busiest && { busiestReadKey: r.busiest }),
      paymentsPerSecond: ceiling.paymentsPerSecond,
      limitedBy: ceiling.limitedBy,
    };
  });
  return rows.sort(
    (a, b) =>
      a.paymentsPerSecond - b.paymentsPerSecond || b.writeUnitsPerLifecycle - a.writeUnitsPerLifecycle,
  );
}

export interface Ceiling {
  readonly paymentsPerSecond: number;
  /** The pattern whose busiest key throttles first, and whether by writes or reads. */
  readonly limitingKey: string;
  readonly limitedBy: PatternRow['limitedBy'];
}

/**
 * The rate at which the first key of `scopes` reaches DynamoDB's per-key limit: one merchant's payments
 * meet every key but per-payment ones (merchant, channel and global keys); one channel's payments, from
 * many merchants, meet its channel keys and the global ones.
 */
export function ceilingOf(rows: readonly PatternRow[], scopes: readonly KeyScope[]): Ceiling {
  const limiting = rows
    .filter((r) => scopes.includes(r.scope) && r.limitedBy !== 'none')
    .reduce<PatternRow | undefined>(
      (a, b) => (!a || b.paymentsPerSecond < a.paymentsPerSecond ? b : a),
      undefined,
    );
  return limiting
    ? {
        paymentsPerSecond: limiting.paymentsPerSecond,
        limitingKey: limiting.pattern,
        limitedBy: limiting.limitedBy,
      }
    : { paymentsPerSecond: Infinity, limitingKey: 'none', limitedBy: 'none' };
}

export const SINGLE_MERCHANT_SCOPES: readonly KeyScope[] = ['merchant', 'channel', 'global'];
export const SINGLE_CHANNEL_SCOPES: readonly KeyScope[] = ['channel', 'global'];
