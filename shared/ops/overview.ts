/**
 * GET /v1/ops/overview (ops key): the console's first page. Per channel, the last 24 clock hours of
 * outcomes, the payments held for review, the discrepancies still open of the last week's runs, and the
 * depth of every dead-letter queue (one GetQueueAttributes each). Nothing here reads the table: each figure
 * is asked of the service that owns its items (their internal functions, invoked in parallel; an ops page,
 * so one synchronous invoke each per request):
 * - channels: the routing channels' outcome counts by hour (channel-health-summary);
 * - gateway then risk: the approved merchants, a page at a time (merchant-registry), and for each page
 *   the payments held for review (hold-counts);
 * - reconciliation: the open discrepancies of the routing channels' last OPEN_DISCREPANCY_DAYS days.
 */
import type { DeadLetterQueues } from '../dead-letters/dead-letter-queues.js';
import { ROUTING_CHANNELS } from '../domain/routing/catalogue.js';
import { apiHandler } from '../http/api-handler.js';
import { json } from '../http/responses.js';
import type { ChannelHealthSummaryReader } from '../internal/channel-health-summary.js';
import type { HoldCountsReader } from '../internal/hold-counts.js';
import { type MerchantRegistryReader, merchantPages } from '../internal/merchant-registry.js';
import type { OpenDiscrepanciesReader } from '../internal/open-discrepancies.js';
import type { Overview } from '../schemas/ops.js';
import { type HourCounts, OVERVIEW_HOURS } from '../store/dynamodb/channel-outcome-counts.js';

/** Discrepancies older than this are left to the reconciliation page (runs list their findings). */
export const OPEN_DISCREPANCY_DAYS = 7;
const DAY_MS = 86_400_000;

/** The owners' functions the overview asks (shared/internal/*.ts). */
export interface OverviewReads {
  readonly merchantRegistry: MerchantRegistryReader;
  readonly holdCounts: HoldCountsReader;
  readonly openDiscrepancies: OpenDiscrepanciesReader;
  readonly channelHealthSummary: ChannelHealthSummaryReader;
}

/** The route's handler. */
export function overviewRoute(reads: OverviewReads, queues: () => DeadLetterQueues) {
  return apiHandler({ role: 'ops' }, async () => json(200, await overviewOf(reads, queues(), Date.now())));
}

export async function overviewOf(
  reads: OverviewReads,
  queues: DeadLetterQueues,
  now: number,
): Promise<Overview> {
  const days = Array.from({ length: OPEN_DISCREPANCY_DAYS }, (_, i) =>
    new Date(now - i * DAY_MS).toISOString().slice(0, 10),
  );
  const [summary, openReviews, discrepancies, deadLetters] = await Promise.all([
    reads.channelHealthSummary({ channels: [...ROUTING_CHANNELS], now, hours: OVERVIEW_HOURS }),
    countOpenReviews(reads),
    reads.openDiscrepancies({ channels: [...ROUTING_CHANNELS], days }),
    queues.list(),
  ]);
  const hours = new Map(summary.channels.map((c) => [c.channel, c.hours]));
  const dlqs = deadLetters.map((q) => ({
    name: q.name,
    messages: q.approximateMessages + q.approximateMessagesNotVisible,
  }));
  const channels = ROUTING_CHANNELS.map((channel) => channelOverview(channel, hours.get(channel) ?? []));
  return {
    object: 'overview',
    generatedAt: new Date(now).toISOString(),
    from: new Date(
      hours.get(ROUTING_CHANNELS[0])?.[0]?.hourStart ?? now - OVERVIEW_HOURS * 3_600_000,
    ).toISOString(),
    channels,
    openReviews,
    openDiscrepancies: { count: discrepancies.open, days: OPEN_DISCREPANCY_DAYS },
    deadLetters: { total: dlqs.reduce((a, q) => a + q.messages, 0), queues: dlqs },
  };
}

/** Payments held for review across approved merchants: each registry page counted as the next is read. */
async function countOpenReviews(reads: OverviewReads): Promise<number> {
  const counts: Promise<number>[] = [];
  try {
    for await (const merchantIds of merchantPages(reads.merchantRegistry, 'approved'))
      counts.push(reads.holdCounts({ merchantIds, reason: 'review' }).then((a) => a.held));
  } catch (error) {
    // A registry page failed: let the counts already asked settle, so none rejects unobserved.
    await Promise.allSettled(counts);
    throw error;
  }
  return (await Promise.all(counts)).reduce((a, b) => a + b, 0);
}

/** Totals and rates of a channel's hours (rates null when there is nothing to divide). */
export function channelOverview(channel: string, hours: readonly HourCounts[]): Overview['channels'][number] {
  const sum = (pick: (h: HourCounts) => number) => hours.reduce((a, h) => a + pick(h), 0);
  const succeeded = sum((h) => h.succeeded);
  const failed = sum((h) => h.failed);
  const unavailable = sum((h) => h.unavailable);
  const volume = succeeded + failed;
  return {
    channel,
    volume,
    succeeded,
    failed,
    unavailable,
    authorizationRate: volume > 0 ? succeeded / volume : null,
    unavailableRate: volume + unavailable > 0 ? unavailable / (volume + unavailable) : null,
    hours: hours.map((h) => ({
      hour: new Date(h.hourStart).toISOString(),
      succeeded: h.succeeded,
      failed: h.failed,
      unavailable: h.unavailable,
    })),
  };
}
