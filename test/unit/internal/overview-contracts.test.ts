/**
 * The ops overview as a caller of the owners' functions (shared/ops/overview.ts): every request it sends
 * parses with the owner's request schema, it follows the registry's pages and asks risk once per page, and
 * a registry failure fails the overview without leaving a count unobserved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'zod/mini';
import type { DeadLetterQueues } from '../../../shared/dead-letters/dead-letter-queues.js';
import { ROUTING_CHANNELS } from '../../../shared/domain/routing/catalogue.js';
import {
  channelHealthSummaryAnswer,
  channelHealthSummaryRequest,
} from '../../../shared/internal/channel-health-summary.js';
import { holdCountsAnswer, holdCountsRequest } from '../../../shared/internal/hold-counts.js';
import {
  merchantRegistryAnswer,
  merchantRegistryRequest,
} from '../../../shared/internal/merchant-registry.js';
import {
  openDiscrepanciesAnswer,
  openDiscrepanciesRequest,
} from '../../../shared/internal/open-discrepancies.js';
import { OPEN_DISCREPANCY_DAYS, type OverviewReads, overviewOf } from '../../../shared/ops/overview.js';

const NOW = Date.parse('2030-03-03T10:30:00.000Z');
const queues = { list: async () => [] } as unknown as DeadLetterQueues;
/** 2,500 registered merchants: three registry pages of 1,000. */
const MERCHANTS = Array.from({ length: 2500 }, (_, i) => `m_${String(i).padStart(4, '0')}`);

function reads(log: { name: string; request: unknown }[], failRegistryAt?: number): OverviewReads {
  const seen = (name: string, request: unknown) => log.push({ name, request });
  return {
    async merchantRegistry(request) {
      seen('registry', parse(merchantRegistryRequest, request));
      const from = request.cursor ? Number(request.cursor) : 0;
      if (from === failRegistryAt) throw new Error('registry unavailable');
      const next = from + 1000 < MERCHANTS.length ? String(from + 1000) : null;
      return parse(merchantRegistryAnswer, {
        merchantIds: MERCHANTS.slice(from, from + 1000),
        nextCursor: next,
      });
    },
    async holdCounts(request) {
      seen('holds', parse(holdCountsRequest, request));
      return parse(holdCountsAnswer, { held: request.merchantIds.length / 100 });
    },
    async openDiscrepancies(request) {
      seen('discrepancies', parse(openDiscrepanciesRequest, request));
      return parse(openDiscrepanciesAnswer, { open: 2 });
    },
    async channelHealthSummary(request) {
      seen('health', parse(channelHealthSummaryRequest, request));
      const hour = Math.floor(request.now / 3_600_000) * 3_600_000;
      return parse(channelHealthSummaryAnswer, {
        channels: request.channels.map((channel) => ({
          channel,
          hours: Array.from({ length: request.hours }, (_, h) => ({
            hourStart: hour - (request.hours - 1 - h) * 3_600_000,
            succeeded: 1,
            failed: 0,
            unavailable: 0,
          })),
        })),
      });
    },
  };
}

describe('the ops overview as a caller of the owners', () => {
  it('sends requests within each contract, a risk count per registry page, and sums them', async () => {
    const log: { name: string; request: any }[] = [];
    const overview = await overviewOf(reads(log), queues, NOW);
    assert.equal(overview.openReviews, 25);
    assert.deepEqual(overview.openDiscrepancies, { count: 2, days: OPEN_DISCREPANCY_DAYS });
    assert.equal(overview.channels.length, ROUTING_CHANNELS.length);
    assert.equal(overview.channels[0]?.volume, 24);
    const named = (name: string) => log.filter((l) => l.name === name).map((l) => l.request);
    assert.deepEqual(named('registry'), [
      { status: 'approved' },
      { status: 'approved', cursor: '1000' },
      { status: 'approved', cursor: '2000' },
    ]);
    assert.deepEqual(
      named('holds').map((r) => r.merchantIds.length),
      [1000, 1000, 500],
    );
    assert.deepEqual(named('discrepancies'), [
      {
        channels: [...ROUTING_CHANNELS],
        days: [
          '2030-03-03',
          '2030-03-02',
          '2030-03-01',
          '2030-02-28',
          '2030-02-27',
          '2030-02-26',
          '2030-02-25',
        ],
      },
    ]);
    assert.deepEqual(named('health'), [{ channels: [...ROUTING_CHANNELS], now: NOW, hours: 24 }]);
  });

  it('fails when a registry page fails, after the counts already asked have settled', async () => {
    const log: { name: string; request: unknown }[] = [];
    await assert.rejects(overviewOf(reads(log, 2000), queues, NOW), /registry unavailable/);
    assert.equal(log.filter((l) => l.name === 'holds').length, 2);
  });
});
