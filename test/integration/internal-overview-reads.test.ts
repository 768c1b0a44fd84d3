/**
 * The ops overview's figures on DynamoDB Local, each answered by its owner's function called as Lambda
 * calls it: risk's held payments (hold-counts), reconciliation's open discrepancies (open-discrepancies),
 * the channels' outcome counts by hour (channel-health-summary); and the overview composed from them and
 * the gateway's registry (merchant-registry) counting exactly what the items say.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { parse } from 'zod/mini';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import type { DeadLetterQueues } from '../../shared/dead-letters/dead-letter-queues.js';
import { channelHealthSummaryRequest } from '../../shared/internal/channel-health-summary.js';
import { holdCountsRequest } from '../../shared/internal/hold-counts.js';
import { merchantRegistryRequest } from '../../shared/internal/merchant-registry.js';
import { openDiscrepanciesRequest } from '../../shared/internal/open-discrepancies.js';
import { OPEN_DISCREPANCY_DAYS, type OverviewReads, overviewOf } from '../../shared/ops/overview.js';
import { recordChannelOutcomes } from '../../shared/store/dynamodb/channel-outcome-counts.js';
import { DynamoHoldStore, REVIEW_HOLD } from '../../shared/store/dynamodb/holds.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

type Handler = (event: unknown) => Promise<any>;
const HOUR = 3_600_000;
const NOW = Date.parse('2030-02-10T15:20:00.000Z');
const day = (daysAgo: number) => new Date(NOW - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe("the ops overview's owner functions on DynamoDB Local", () => {
  let table: TestTable;
  const fns: Record<'registry' | 'holds' | 'discrepancies' | 'health', Handler> = {} as never;

  before(async () => {
    table = await startTestTable();
    setDynamoDbClient(table.client);
    process.env.TABLE_NAME = table.tableName;
    fns.registry = (await import('../../functions/internal/merchant-registry.js')).handler;
    fns.holds = (await import('../../functions/internal/hold-counts.js')).handler;
    fns.discrepancies = (await import('../../functions/internal/open-discrepancies.js')).handler;
    fns.health = (await import('../../functions/internal/channel-health-summary.js')).handler;

    const put = (item: Record<string, unknown>) =>
      table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(item) }));
    // Three registered merchants; m_c holds nothing, m_x holds a review but is not registered.
    for (const m of ['m_a', 'm_b', 'm_c'])
      await put({ ...keys.merchantRegistry(m), entity: 'merchantRegistration', merchantId: m });
    const holds = new DynamoHoldStore(table);
    const at = new Date(NOW).toISOString();
    await holds.hold('m_a', 'pay_a1', REVIEW_HOLD, at);
    await holds.hold('m_a', 'pay_a2', REVIEW_HOLD, at);
    await holds.hold('m_a', 'pay_a2', 'dsc_1');
    await holds.hold('m_a', 'pay_a3', 'dsc_2');
    await holds.hold('m_b', 'pay_b1', REVIEW_HOLD, at);
    await holds.hold('m_b', 'pay_b2', REVIEW_HOLD, at);
    await holds.release('m_b', 'pay_b2', REVIEW_HOLD);
    await holds.hold('m_x', 'pay_x1', REVIEW_HOLD, at);
    // Discrepancies: open and resolved, inside and outside the week.
    const dsc = (channel: string, daysAgo: number, id: string, status: string) =>
      put({ PK: `DSC#${channel}#${day(daysAgo)}`, SK: id, entity: 'discrepancy', status });
    await dsc('sandbox', 0, 'dsc_1', 'open');
    await dsc('sandbox', 0, 'dsc_2', 'resolved');
    await dsc('stripe', OPEN_DISCREPANCY_DAYS - 1, 'dsc_3', 'open');
    await dsc('stripe', OPEN_DISCREPANCY_DAYS, 'dsc_4', 'open');
    await dsc('alipay', 2, 'dsc_5', 'open');
    // Outcomes this hour and 5 hours ago, on two shards.
    const outcome = (
      channel: 'sandbox' | 'stripe',
      at: number,
      o: 'succeeded' | 'failed' | 'unavailable',
    ) => ({
      channel,
      merchantId: 'm_a',
      currency: 'USD',
      at,
      outcome: o,
    });
    await recordChannelOutcomes(
      table,
      [
        outcome('sandbox', NOW, 'succeeded'),
        outcome('sandbox', NOW, 'failed'),
        outcome('stripe', NOW, 'unavailable'),
      ],
      0,
    );
    await recordChannelOutcomes(
      table,
      [outcome('sandbox', NOW - 5 * HOUR, 'succeeded'), outcome('sandbox', NOW, 'succeeded')],
      7,
    );
  });
  after(async () => {
    setDynamoDbClient(undefined);
    await table.stop();
  });

  it('counts the payments of the merchants asked that are held for review, each once', async () => {
    assert.deepEqual(await fns.holds({ merchantIds: ['m_a', 'm_b', 'm_c'], reason: 'review' }), { held: 3 });
    assert.deepEqual(await fns.holds({ merchantIds: ['m_c'], reason: 'review' }), { held: 0 });
    await assert.rejects(fns.holds({ merchantIds: [], reason: 'review' }));
    await assert.rejects(fns.holds({ merchantIds: ['m_a'], reason: 'dsc_1' }));
  });

  it('counts the open discrepancies of the channel-days asked', async () => {
    const week = Array.from({ length: OPEN_DISCREPANCY_DAYS }, (_, i) => day(i));
    const all = ['sandbox', 'stripe', 'alipay', 'wechatpay'];
    assert.deepEqual(await fns.discrepancies({ channels: all, days: week }), { open: 3 });
    assert.deepEqual(await fns.discrepancies({ channels: ['sandbox'], days: [day(0)] }), { open: 1 });
    await assert.rejects(fns.discrepancies({ channels: ['sandbox'], days: ['yesterday'] }));
  });

  it("answers each channel's last hours, oldest first, summed over the shards", async () => {
    const answer = await fns.health({ channels: ['sandbox', 'stripe'], now: NOW, hours: 24 });
    const [sandbox, stripe] = answer.channels;
    assert.equal(sandbox.channel, 'sandbox');
    assert.equal(sandbox.hours.length, 24);
    const thisHour = Math.floor(NOW / HOUR) * HOUR;
    assert.equal(sandbox.hours[0].hourStart, thisHour - 23 * HOUR);
    assert.deepEqual(sandbox.hours[23], { hourStart: thisHour, succeeded: 2, failed: 1, unavailable: 0 });
    assert.deepEqual(sandbox.hours[18], {
      hourStart: thisHour - 5 * HOUR,
      succeeded: 1,
      failed: 0,
      unavailable: 0,
    });
    assert.deepEqual(stripe.hours[23], { hourStart: thisHour, succeeded: 0, failed: 0, unavailable: 1 });
    await assert.rejects(fns.health({ channels: ['sandbox'], now: NOW, hours: 25 }));
  });

  it('composes the overview from the owners, every request within their contracts', async () => {
    const asked: string[] = [];
    const through =
      (name: string, schema: Parameters<typeof parse>[0], fn: Handler) => async (request: any) => {
        asked.push(name);
        return fn(parse(schema, request));
      };
    const reads: OverviewReads = {
      merchantRegistry: through('registry', merchantRegistryRequest, fns.registry),
      holdCounts: through('holds', holdCountsRequest, fns.holds),
      openDiscrepancies: through('discrepancies', openDiscrepanciesRequest, fns.discrepancies),
      channelHealthSummary: through('health', channelHealthSummaryRequest, fns.health),
    };
    const queues = { list: async () => [] } as unknown as DeadLetterQueues;
    const overview = await overviewOf(reads, queues, NOW);
    assert.equal(overview.openReviews, 3);
    assert.deepEqual(overview.openDiscrepancies, { count: 3, days: OPEN_DISCREPANCY_DAYS });
    const sandbox = overview.channels.find((c) => c.channel === 'sandbox');
    assert.equal(sandbox?.volume, 4);
    assert.equal(sandbox?.authorizationRate, 3 / 4);
    assert.equal(overview.from, new Date(Math.floor(NOW / HOUR) * HOUR - 23 * HOUR).toISOString());
    assert.deepEqual(asked.sort(), ['discrepancies', 'health', 'holds', 'registry']);
  });
});
