/**
 * The contract of the channels' `channel-facts` function: what routing at create needs of the channels'
 * items besides the merchant's configuration (routing-config.ts), in one invocation:
 * - `channels`: each channel's settings and breaker as stored (`CHANNEL#<channel>`, one BatchGetItem);
 * - `scopes`: the outcome windows of the scopes asked at `now` (`HLT#…`, hours × shards, BatchGetItem).
 * Either list may be empty. A part the function could not read is `null` in the answer (the other is
 * still answered): create-payment then fails open on that part alone, as it did reading it itself.
 *
 * Never cached by the function: create-payment keeps records and windows CHANNEL_RECORDS_TTL_MS (1 s) per
 * container (channel-records.ts, channel-facts.ts in the store), so a change applies within 2 s.
 * The caller's side (`channelFactsInvoker`) batches the records and windows that one create (or several
 * in the same tick) asks for into one invocation, and checks the answer by hand with the store's own
 * checks (`recordOf`): no zod of the answer in create-payment's bundle.
 */
import * as z from 'zod/mini';
import { ROUTING_CHANNELS, type RoutingChannel } from '../domain/routing/catalogue.js';
import type { SuccessBucket, SuccessWindow } from '../domain/routing/success-window.js';
import { defined } from '../schemas/defined.js';
import { invokeFunction } from '../services/invoke.js';
import { type ChannelRecord, recordOf } from '../store/dynamodb/channel-records.js';
import { CorruptItemError } from '../store/errors.js';

export const CHANNEL_FACTS = 'channel-facts';

/** Scopes of one request at most: a create asks two a channel; a tick's creates of many merchants more. */
export const CHANNEL_FACTS_MAX_SCOPES = 400;

/** A scope of outcome counts (channel-outcome-counts.ts `scopes`): channel, currency, merchant. */
const scope = /^[a-z0-9_-]{1,32}(#[A-Z]{3}(#[A-Za-z0-9_-]{1,64})?)?$/;

export const channelFactsRequest = /* @__PURE__ */ defined(() =>
  z.strictObject({
    channels: z.array(z.enum(ROUTING_CHANNELS)).check(z.maxLength(ROUTING_CHANNELS.length)),
    scopes: z.array(z.string().check(z.regex(scope))).check(z.maxLength(CHANNEL_FACTS_MAX_SCOPES)),
    /** The instant (epoch ms) the windows are read at: the payment's. */
    now: z.int().check(z.minimum(0)),
  }),
);
export type ChannelFactsRequest = z.infer<typeof channelFactsRequest>;

/** A channel's items as stored, only what routing reads of them; absent: not stored. */
export interface StoredChannelItems {
  /** The settings item's `settings` document (checked by the reader, channel-records.ts `recordOf`). */
  readonly settings?: unknown;
  /** The breaker item's state fields and version (channel-breakers.ts). */
  readonly breaker?: Record<string, unknown>;
}

export interface ChannelFactsAnswer {
  /** By channel asked; `null`: the records could not be read. Absent when none were asked. */
  readonly records?: Partial<Record<RoutingChannel, StoredChannelItems>> | null;
  /** By scope asked; `null`: the counts could not be read. Absent when none were asked. */
  readonly windows?: Record<string, SuccessWindow> | null;
}

/** The records and windows a reader asks for, through the function at `functionArn`. */
export interface ChannelFactsInvoker {
  records(channels: readonly RoutingChannel[]): Promise<Map<RoutingChannel, ChannelRecord>>;
  windows(scopes: readonly string[], now: number): Promise<Map<string, SuccessWindow>>;
}

interface Batch {
  readonly channels: Set<RoutingChannel>;
  readonly scopes: Set<string>;
  now: number | undefined;
  readonly answer: Promise<ChannelFactsAnswer>;
}

/**
 * Asks the function for what its callers ask in one synchronous stretch (the records' and the windows'
 * cache misses of a create, or their background refreshes, start together): one invocation for all of
 * it, flushed on the next microtask. Windows asked at another `now` go in a batch of their own.
 */
export function channelFactsInvoker(
  functionArn: string | undefined,
  invoke: (arn: string | undefined, payload: unknown) => Promise<unknown> = invokeFunction,
): ChannelFactsInvoker {
  let open: Batch[] = [];

  function batchFor(now?: number): Batch {
    const fits = open.find((b) => now === undefined || b.now === undefined || b.now === now);
    if (fits) {
      fits.now ??= now;
      return fits;
    }
    const channels = new Set<RoutingChannel>();
    const scopes = new Set<string>();
    const answer = Promise.resolve().then(() => {
      open = open.filter((b) => b !== batch);
      const request: ChannelFactsRequest = {
        channels: [...channels],
        scopes: [...scopes],
        now: batch.now ?? Date.now(),
      };
      return invoke(functionArn, request) as Promise<ChannelFactsAnswer>;
    });
    const batch: Batch = { channels, scopes, now, answer };
    open.push(batch);
    return batch;
  }

  return {
    async records(channels) {
      const batch = batchFor();
      for (const c of channels) batch.channels.add(c);
      return recordsOf(channels, (await batch.answer)?.records);
    },
    async windows(scopes, now) {
      const batch = batchFor(now);
      for (const s of scopes) batch.scopes.add(s);
      return windowsOf(scopes, (await batch.answer)?.windows);
    },
  };
}

/** The records of `channels` in an answer. @throws CorruptItemError when they could not be read */
function recordsOf(
  channels: readonly RoutingChannel[],
  records: ChannelFactsAnswer['records'],
): Map<RoutingChannel, ChannelRecord> {
  if (typeof records !== 'object' || records === null)
    throw new CorruptItemError(`${CHANNEL_FACTS}: the channels' records could not be read`);
  return new Map(
    channels.map((channel) => {
      const items = records[channel] ?? {};
      const breaker = typeof items.breaker === 'object' && items.breaker !== null ? items.breaker : undefined;
      return [
        channel,
        recordOf(channel, items.settings === undefined ? undefined : { settings: items.settings }, breaker),
      ];
    }),
  );
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The windows of `scopes` in an answer, checked by hand. @throws CorruptItemError (counts unreadable) */
function windowsOf(
  scopes: readonly string[],
  windows: ChannelFactsAnswer['windows'],
): Map<string, SuccessWindow> {
  if (typeof windows !== 'object' || windows === null)
    throw new CorruptItemError(`${CHANNEL_FACTS}: the outcome counts could not be read`);
  const found = new Map<string, SuccessWindow>();
  for (const s of scopes) {
    const w = windows[s] as Partial<SuccessWindow> | undefined;
    if (w === undefined) continue;
    const buckets = Array.isArray(w.buckets) ? (w.buckets as Partial<SuccessBucket>[]) : undefined;
    const ok =
      isCount(w.bucketMs) &&
      w.bucketMs > 0 &&
      isCount(w.bucketCount) &&
      w.bucketCount > 0 &&
      buckets?.every(
        (b) => isCount(b?.start) && isCount(b.succeeded) && isCount(b.failed) && isCount(b.unavailable),
      );
    if (!ok) throw new CorruptItemError(`${CHANNEL_FACTS}: the window of ${s} is not a window`);
    found.set(s, w as SuccessWindow);
  }
  return found;
}
