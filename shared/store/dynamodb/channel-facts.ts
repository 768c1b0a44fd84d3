/**
 * What routing and the ops channel view read about channels, assembled from the channel records (settings
 * and breaker, channel-records.ts) and the outcome counts (channel-outcome-counts.ts):
 *
 * - `loadChannelFacts` (routing at create): per channel its breaker with its thresholds, its fees, and the
 *   outcome windows of this merchant and of all merchants in the payment's currency. Reads are reused
 *   ≤ 1 s per container. A store error leaves that part out (`{}` for the channel when nothing could be
 *   read): routing then treats the channel as closed and without statistics, failing open.
 * - `channelViews` (GET /v1/ops/channels): per channel its settings, breaker answer and last hour's health.
 */
import { type BreakerView, breakerView } from '../../domain/breaker.js';
import type { ChannelSettingsValue } from '../../domain/channel-defaults.js';
import { CURRENCY_EXPONENTS } from '../../domain/money.js';
import { CHANNEL_CURRENCIES, type RoutingChannel } from '../../domain/routing/catalogue.js';
import type { LoadChannelFacts, StoredChannelFacts } from '../../domain/routing/state.js';
import { type ChannelHealth, healthAt, type SuccessWindow } from '../../domain/routing/success-window.js';
import { logger } from '../../http/logger.js';
import { refreshAge } from '../container-cache.js';
import { readWindows, scopes } from './channel-outcome-counts.js';
import {
  type CachedChannelRecords,
  CHANNEL_RECORDS_TTL_MS,
  type ChannelRecords,
  channelRecords,
} from './channel-records.js';
import type { TableContext } from './table.js';

export interface ChannelFactsOptions {
  /** Where the records come from and are cached (@default the container's reader of `table`). */
  readonly records?: ChannelRecords;
  readonly ttlMs?: number;
  readonly clock?: () => number;
}

/** Where a loader's records and missing outcome windows come from (see `channelFactsLoader`). */
export interface ChannelFactsSources extends Omit<ChannelFactsOptions, 'records'> {
  readonly records: CachedChannelRecords;
  readonly readWindows: (scopes: readonly string[], now: number) => Promise<Map<string, SuccessWindow>>;
}

/** A loader of channel facts on `table`, with its own ≤ 1 s cache of outcome windows. */
export function createChannelFactsLoader(
  table: TableContext,
  options: ChannelFactsOptions = {},
): LoadChannelFacts {
  return channelFactsLoader({
    ...options,
    records: options.records ?? channelRecords(table),
    readWindows: (scopes, now) => readWindows(table, scopes, now),
  });
}

/**
 * A loader of channel facts from `sources`, whatever reads them: the table (`createChannelFactsLoader`), or
 * the channels' `channel-facts` function for create-payment (shared/internal/channel-facts.ts), behind the
 * same caches (records ≤ 1 s in `records`, windows ≤ 1 s here, both refreshed in the background).
 */
export function channelFactsLoader(sources: ChannelFactsSources): LoadChannelFacts {
  const { records } = sources;
  const ttl = sources.ttlMs ?? CHANNEL_RECORDS_TTL_MS;
  const clock = sources.clock ?? Date.now;
  const read = sources.readWindows;
  const windows = new Map<string, { window: SuccessWindow; readAt: number }>();

  const refreshing = new Set<string>();

  /** Outcome windows of `wanted`, cached as the records are (a window past 80 % of the TTL is re-read behind). */
  async function windowsOf(wanted: readonly string[], now: number): Promise<Map<string, SuccessWindow>> {
    const at = clock();
    const found = new Map<string, SuccessWindow>();
    const stale: string[] = [];
    const missing = wanted.filter((scope) => {
      const cached = windows.get(scope);
      if (cached && at - cached.readAt < ttl) {
        found.set(scope, cached.window);
        if (at - cached.readAt >= refreshAge(ttl) && !refreshing.has(scope)) stale.push(scope);
      }
      return !found.has(scope);
    });
    if (stale.length > 0) {
      for (const scope of stale) refreshing.add(scope);
      read(stale, now)
        .then((read) => {
          for (const [scope, window] of read) windows.set(scope, { window, readAt: at });
        })
        .catch(() => undefined)
        .finally(() => {
          for (const scope of stale) refreshing.delete(scope);
        });
    }
    if (missing.length > 0) {
      for (const [scope, window] of await read(missing, now)) {
        windows.set(scope, { window, readAt: at });
        found.set(scope, window);
      }
    }
    return found;
  }

  return async ({ merchantId, currency, channels, now }) => {
    const facts: Partial<Record<RoutingChannel, StoredChannelFacts>> = {};
    for (const channel of channels) facts[channel] = {};
    const [stored, counts] = await Promise.allSettled([
      records.read(channels),
      windowsOf(
        channels.flatMap((c) => [scopes.merchant(c, currency, merchantId), scopes.currency(c, currency)]),
        now,
      ),
    ]);
    if (stored.status === 'rejected')
      logger.warn('channel records unreadable: routing fails open', { error: stored.reason });
    if (counts.status === 'rejected')
      logger.warn('channel outcome counts unreadable', { error: counts.reason });
    for (const channel of channels) {
      const record = stored.status === 'fulfilled' ? stored.value.get(channel) : undefined;
      const w = counts.status === 'fulfilled' ? counts.value : undefined;
      facts[channel] = {
        ...(record
          ? {
              breaker: { state: record.breaker.state, settings: record.settings.breaker },
              fees: record.settings.fees,
            }
          : {}),
        ...(w
          ? {
              merchantWindow: w.get(scopes.merchant(channel, currency, merchantId)),
              globalWindow: w.get(scopes.currency(channel, currency)),
            }
          : {}),
      };
    }
    return facts;
  };
}

/** One channel as GET /v1/ops/channels answers it (contract: "Routing and channel health"). */
export interface ChannelView {
  readonly id: RoutingChannel;
  /**
   * The currency codes it takes, listed even for a channel that takes every currency the system knows:
   * one shape for every channel, so a client tests membership the same way.
   */
  readonly currencies: readonly string[];
  readonly fees: ChannelSettingsValue['fees'];
  readonly breaker: BreakerView;
  readonly health: ChannelHealth;
}

const ALL_CURRENCIES = Object.freeze(Object.keys(CURRENCY_EXPONENTS).sort());

function currenciesOf(channel: RoutingChannel): readonly string[] {
  const taken = CHANNEL_CURRENCIES[channel];
  return taken === 'all' ? ALL_CURRENCIES : taken;
}

/** The views of `channels` at `now`, read fresh (strongly consistent records): what ops see is current. */
export async function channelViews(
  table: TableContext,
  channels: readonly RoutingChannel[],
  now: number,
  records: ChannelRecords = channelRecords(table),
): Promise<ChannelView[]> {
  const [read, windows] = await Promise.all([
    records.read(channels, true),
    readWindows(table, channels.map(scopes.channel), now),
  ]);
  return channels.map((channel) => {
    const record = read.get(channel);
    if (!record) throw new Error(`no record read for ${channel}`);
    const window = windows.get(scopes.channel(channel));
    return {
      id: channel,
      currencies: currenciesOf(channel),
      fees: record.settings.fees,
      breaker: breakerView(record.breaker.state, record.settings.breaker, now),
      health: window
        ? healthAt(window, now)
        : { attempts: 0, succeeded: 0, failed: 0, unavailable: 0, authorizationRate: null },
    };
  });
}
