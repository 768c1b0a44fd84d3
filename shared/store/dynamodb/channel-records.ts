/**
 * A channel's two records (keys.ts): its settings (`CHANNEL#<channel>/SETTINGS`, fees and breaker
 * thresholds, written by ops) and its breaker (`CHANNEL#<channel>/BREAKER`, written on state changes
 * only). Every reader on the hot path (routing at create, the dispatcher) asks for several channels at
 * once, so both records of every channel asked come in one BatchGetItem, kept ≤ 1 s per container: a
 * PUT of the settings, or a breaker opening elsewhere, is seen within that second (contract: within 2 s).
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { BreakerSettings, BreakerState } from '../../domain/breaker.js';
import { type ChannelSettingsValue, defaultChannelSettings } from '../../domain/channel-defaults.js';
import type { RoutingChannel } from '../../domain/routing/catalogue.js';
import { logger } from '../../http/logger.js';
import { refreshAge } from '../container-cache.js';
import { keys } from '../keys.js';
import { batchGetItems } from './batch-read.js';
import type { TableContext } from './table.js';

/** The breaker item as stored: the pure state plus the version its conditional writes compare. */
export interface StoredBreaker {
  readonly state: BreakerState;
  /** Incremented by every write; 0 when no item exists yet. */
  readonly version: number;
}

export interface ChannelRecord {
  readonly settings: ChannelSettingsValue;
  /** Whether the settings came from the table (false: the channel's defaults). */
  readonly settingsStored: boolean;
  readonly breaker: StoredBreaker;
}

/** How long a read is reused; the contract's "within 2 s" leaves room for one more second in flight. */
export const CHANNEL_RECORDS_TTL_MS = 1000;

export const NO_BREAKER: StoredBreaker = Object.freeze({
  state: Object.freeze({ state: 'closed', openedAt: null, failures: [], probeTakenAt: null }),
  version: 0,
}) as StoredBreaker;

/**
 * Where records come from on a miss: the table (`ChannelRecords`), or the channels' `channel-facts`
 * function for a reader of another service (create-payment, shared/internal/channel-facts.ts).
 * @throws on failure.
 */
export type ChannelRecordSource = (
  channels: readonly RoutingChannel[],
  consistent: boolean,
) => Promise<Map<RoutingChannel, ChannelRecord>>;

/** Caches channels' records read from `source`; the reader of create-payment, which holds no table grant. */
export class CachedChannelRecords {
  private readonly cache = new Map<RoutingChannel, { record: ChannelRecord; readAt: number }>();
  private readonly refreshing = new Set<RoutingChannel>();

  constructor(
    private readonly source: ChannelRecordSource,
    private readonly options: { readonly ttlMs?: number; readonly clock?: () => number } = {},
  ) {}

  /**
   * The records of `channels`, from the cache when read less than the TTL ago (`fresh`: never), the
   * others in one BatchGetItem (strongly consistent when `fresh`). A cached record past 80 % of the TTL is
   * answered and read again in the background (stale-while-revalidate, as container-cache.ts), so a busy
   * container does not wait on these reads; the TTL from the read's start still bounds its age.
   * @throws on a store error.
   */
  async read(
    channels: readonly RoutingChannel[],
    fresh = false,
  ): Promise<Map<RoutingChannel, ChannelRecord>> {
    const now = this.now();
    const ttl = this.options.ttlMs ?? CHANNEL_RECORDS_TTL_MS;
    const found = new Map<RoutingChannel, ChannelRecord>();
    const missing: RoutingChannel[] = [];
    const stale: RoutingChannel[] = [];
    for (const channel of new Set(channels)) {
      const cached = this.cache.get(channel);
      if (!fresh && cached && now - cached.readAt < ttl) {
        found.set(channel, cached.record);
        if (now - cached.readAt >= refreshAge(ttl) && !this.refreshing.has(channel)) stale.push(channel);
      } else missing.push(channel);
    }
    if (stale.length > 0) this.refresh(stale, now);
    if (missing.length === 0) return found;
    const read = await this.fetch(missing, fresh);
    for (const channel of missing) {
      const record = read.get(channel) ?? recordOf(channel, undefined, undefined);
      this.cache.set(channel, { record, readAt: now });
      found.set(channel, record);
    }
    return found;
  }

  /**
   * Reads `channels` again in the background. A record this container changed meanwhile (`remember`,
   * `forget`) is kept: the read started before that change.
   */
  private refresh(channels: readonly RoutingChannel[], readAt: number): void {
    const before = new Map(channels.map((c) => [c, this.cache.get(c)]));
    for (const c of channels) this.refreshing.add(c);
    this.fetch(channels, false)
      .then((read) => {
        for (const channel of channels)
          if (this.cache.get(channel) === before.get(channel))
            this.cache.set(channel, {
              record: read.get(channel) ?? recordOf(channel, undefined, undefined),
              readAt,
            });
      })
      // A failed refresh changes nothing: the records expire on time and the next read waits for the store.
      .catch(() => undefined)
      .finally(() => {
        for (const c of channels) this.refreshing.delete(c);
      });
  }

  /** One channel's record (see `read`). */
  async one(channel: RoutingChannel, fresh = false): Promise<ChannelRecord> {
    return (await this.read([channel], fresh)).get(channel) as ChannelRecord;
  }

  /** What this container just wrote: later reads within the TTL see it without a round trip. */
  remember(channel: RoutingChannel, change: Partial<ChannelRecord>): void {
    const cached = this.cache.get(channel);
    if (!cached) return;
    this.cache.set(channel, { record: { ...cached.record, ...change }, readAt: cached.readAt });
  }

  forget(channel: RoutingChannel): void {
    this.cache.delete(channel);
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private fetch(channels: readonly RoutingChannel[], consistent: boolean) {
    return this.source(channels, consistent);
  }
}

/** Reads and caches channels' records on one table. */
export class ChannelRecords extends CachedChannelRecords {
  constructor(
    readonly table: TableContext,
    options: { readonly ttlMs?: number; readonly clock?: () => number } = {},
  ) {
    super(async (channels, consistent) => {
      const items = await readRecordItems(table, channels, consistent);
      return new Map(channels.map((c) => [c, recordOf(c, items.get(c)?.settings, items.get(c)?.breaker)]));
    }, options);
  }
}

/** A channel's two items as stored (absent: not stored), before `recordOf` reads them. */
export interface ChannelRecordItems {
  readonly settings?: Record<string, unknown>;
  readonly breaker?: Record<string, unknown>;
}

/** Both items of every channel in `channels`, in one BatchGetItem (uncached). @throws on a store error */
export async function readRecordItems(
  table: TableContext,
  channels: readonly RoutingChannel[],
  consistent: boolean,
): Promise<Map<RoutingChannel, ChannelRecordItems>> {
  const wanted = channels.flatMap((c) => [
    marshall(keys.channelSettings(c)),
    marshall(keys.channelBreaker(c)),
  ]);
  const items = await batchGetItems(table, wanted, { operation: 'channelRecords.batchGet', consistent });
  const byKey = new Map(items.map((item) => [`${item.SK}${item.channel}`, item]));
  return new Map(
    channels.map((c) => [
      c,
      {
        settings: byKey.get(keys.channelSettings(c).SK + c),
        breaker: byKey.get(keys.channelBreaker(c).SK + c),
      },
    ]),
  );
}

/**
 * A channel's record from its stored items, checked by hand (`storedSettings`, `breakerOf`): unreadable
 * settings are the channel's defaults (logged), no breaker item is a closed breaker.
 */
export function recordOf(
  channel: RoutingChannel,
  settingsItem: Record<string, unknown> | undefined,
  breakerItem: Record<string, unknown> | undefined,
): ChannelRecord {
  let settings = defaultChannelSettings(channel);
  let settingsStored = false;
  if (settingsItem) {
    const stored = storedSettings(settingsItem.settings);
    // A record we cannot read must not stop payments: the defaults apply and ops are told in the logs.
    if (stored) {
      settings = stored;
      settingsStored = true;
    } else logger.error('unreadable channel settings, defaults apply', { channel });
  }
  return { settings, settingsStored, breaker: breakerItem ? breakerOf(breakerItem) : NO_BREAKER };
}

const isCount = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * The settings an item holds, checked by hand: they were validated by the schema when ops PUT them
 * (channel-settings.ts), and the functions that read them on the payment path (the dispatcher, routing)
 * validate no request bodies, so they are kept free of zod (about 20 KB of bundle). `undefined`: not a
 * shape we write.
 */
function storedSettings(value: unknown): ChannelSettingsValue | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { fees, breaker } = value as { fees?: unknown; breaker?: Partial<BreakerSettings> };
  if (typeof fees !== 'object' || fees === null || typeof breaker !== 'object' || breaker === null)
    return undefined;
  const checked: Record<string, { percentBps: number; fixed: number }> = {};
  for (const [currency, fee] of Object.entries(fees)) {
    const { percentBps, fixed } = (fee ?? {}) as { percentBps?: unknown; fixed?: unknown };
    if (!isCount(percentBps, 0, 10_000) || !isCount(fixed, 0, 1e12)) return undefined;
    checked[currency] = { percentBps, fixed };
  }
  const { failureThreshold, windowSeconds, cooldownSeconds } = breaker;
  if (
    !isCount(failureThreshold, 1, 1000) ||
    !isCount(windowSeconds, 1, 3600) ||
    !isCount(cooldownSeconds, 1, 3600)
  ) {
    return undefined;
  }
  return { fees: checked, breaker: { failureThreshold, windowSeconds, cooldownSeconds } };
}

/** The breaker state of a stored item (see channel-breakers.ts for its shape). */
export function breakerOf(item: Record<string, unknown>): StoredBreaker {
  const state = item.state === 'open' || item.state === 'half_open' ? item.state : 'closed';
  const failures = Array.isArray(item.failures) ? item.failures.filter((f) => typeof f === 'number') : [];
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    state: { state, openedAt: num(item.openedAt), failures, probeTakenAt: num(item.probeTakenAt) },
    version: typeof item.version === 'number' ? item.version : 0,
  };
}

const shared = new Map<string, ChannelRecords>();

/** The container's reader of `table`'s channel records (one cache shared by every store using it). */
export function channelRecords(table: TableContext): ChannelRecords {
  let records = shared.get(table.tableName);
  if (!records || records.table.client !== table.client) {
    records = new ChannelRecords(table);
    shared.set(table.tableName, records);
  }
  return records;
}
