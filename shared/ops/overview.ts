/**
 * GET /v1/ops/overview (ops key): the console's first page. Per channel, the last 24 clock hours of
 * outcomes from the channel health counts (readChannelHours: a fixed number of keys), the payments held
 * for review, the discrepancies still open of the last week's runs (ops-counts.ts), and the depth of
 * every dead-letter queue (one GetQueueAttributes each). Nothing here reads payments.
 */
import type { DeadLetterQueues } from '../dead-letters/dead-letter-queues.js';
import { ROUTING_CHANNELS } from '../domain/routing/catalogue.js';
import { apiHandler } from '../http/api-handler.js';
import { json } from '../http/responses.js';
import type { Overview } from '../schemas/ops.js';
import {
  type HourCounts,
  OVERVIEW_HOURS,
  readChannelHours,
} from '../store/dynamodb/channel-outcome-counts.js';
import { countOpenDiscrepancies, countOpenReviews } from '../store/dynamodb/ops-counts.js';
import type { TableContext } from '../store/dynamodb/table.js';

/** Discrepancies older than this are left to the reconciliation page (runs list their findings). */
export const OPEN_DISCREPANCY_DAYS = 7;
const DAY_MS = 86_400_000;

/** The route's handler. */
export function overviewRoute(table: TableContext, queues: () => DeadLetterQueues) {
  return apiHandler({ role: 'ops' }, async () => json(200, await overviewOf(table, queues(), Date.now())));
}

export async function overviewOf(
  table: TableContext,
  queues: DeadLetterQueues,
  now: number,
): Promise<Overview> {
  const days = Array.from({ length: OPEN_DISCREPANCY_DAYS }, (_, i) =>
    new Date(now - i * DAY_MS).toISOString().slice(0, 10),
  );
  const [hours, openReviews, openDiscrepancies, deadLetters] = await Promise.all([
    readChannelHours(table, ROUTING_CHANNELS, now),
    countOpenReviews(table),
    countOpenDiscrepancies(table, ROUTING_CHANNELS, days),
    queues.list(),
  ]);
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
    openDiscrepancies: { count: openDiscrepancies, days: OPEN_DISCREPANCY_DAYS },
    deadLetters: { total: dlqs.reduce((a, q) => a + q.messages, 0), queues: dlqs },
  };
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
