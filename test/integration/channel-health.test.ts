/**
 * Channel health on DynamoDB Local: the consumer of payment outcomes counts a batch with one write per
 * (scope, hour), never per payment; the dispatcher's unavailability counts join them; routing's facts
 * and the ops view read them back, summed over shards; an unreachable store leaves routing's facts empty.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import { processBatch } from '../../functions/events/channel-health.js';
import { countsAt } from '../../shared/domain/routing/success-window.js';
import { DynamoBreakerStore } from '../../shared/store/dynamodb/channel-breakers.js';
import { channelViews, createChannelFactsLoader } from '../../shared/store/dynamodb/channel-facts.js';
import {
  recordChannelOutcomes,
  recordUnavailable,
} from '../../shared/store/dynamodb/channel-outcome-counts.js';
import { ChannelRecords } from '../../shared/store/dynamodb/channel-records.js';
import { localClient, startTestTable, type TestTable } from '../support/dynamodb.js';
import { eventBridgeEvent, sampleDetails } from '../support/event-samples.js';
import { installFaults } from '../support/faults.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const NOW = Date.parse('2026-12-06T10:30:00Z');
const samples = sampleDetails();

/** An SQS batch of payment outcome events. */
function batch(
  outcomes: {
    type: 'PaymentSucceeded' | 'PaymentFailed';
    channel: string | null;
    merchantId?: string;
    currency?: string;
    failureCode?: string;
    at?: number;
  }[],
): SQSEvent {
  return {
    Records: outcomes.map((o, i) => {
      const detail = structuredClone(samples.get(o.type)) as {
        merchantId: string;
        occurredAt: string;
        data: { payment: Record<string, unknown> };
      };
      detail.merchantId = o.merchantId ?? 'm_1';
      detail.occurredAt = new Date(o.at ?? NOW - 60_000).toISOString();
      Object.assign(detail.data.payment, {
        channel: o.channel,
        currency: o.currency ?? 'USD',
        ...(o.failureCode ? { failureCode: o.failureCode } : {}),
      });
      return {
        messageId: `m${i}`,
        body: JSON.stringify(eventBridgeEvent(o.type, detail)),
      } as SQSEvent['Records'][number];
    }),
  };
}

describe('channel health on DynamoDB Local', () => {
  let table: TestTable;
  const context = () => ({ client: table.client, tableName: table.tableName });

  before(async () => {
    table = await startTestTable('payments-channel-health');
  });
  after(async () => table.stop());

  it('counts a batch of 60 outcomes with one write per scope and hour', async () => {
    // Prepare
    const client = localClient(table.endpoint);
    const faults = installFaults(client);
    const outcomes = [
      ...Array.from({ length: 45 }, () => ({ type: 'PaymentSucceeded' as const, channel: 'stripe' })),
      ...Array.from({ length: 15 }, () => ({
        type: 'PaymentFailed' as const,
        channel: 'stripe',
        failureCode: 'declined',
      })),
    ];
    // Act
    const answer = await processBatch(batch(outcomes), undefined, { client, tableName: table.tableName });
    // Assess
    assert.deepEqual(answer.batchItemFailures, []);
    assert.equal(faults.attempts('UpdateItem'), 3, 'channel, channel+currency, merchant+channel+currency');
    const [stripe] = await channelViews(context(), ['stripe'], NOW, new ChannelRecords(context()));
    assert.deepEqual(stripe?.health, {
      attempts: 60,
      succeeded: 45,
      failed: 15,
      unavailable: 0,
      authorizationRate: 0.75,
    });
    client.destroy();
  });

  it('leaves out payments no channel took, and sums shards and the dispatcher’s unavailability', async () => {
    // Prepare
    await processBatch(
      batch([
        { type: 'PaymentSucceeded', channel: 'alipay', currency: 'CNY', merchantId: 'm_2' },
        { type: 'PaymentFailed', channel: null, currency: 'CNY', failureCode: 'channel_unavailable' },
        { type: 'PaymentFailed', channel: 'alipay', currency: 'CNY', failureCode: 'channel_unavailable' },
      ]),
      undefined,
      context(),
    );
    // Two batches written at two known shards.
    for (const [merchantId, shard] of [
      ['m_3', 0],
      ['m_4', 3],
    ] as const) {
      const outcome = { channel: 'alipay', merchantId, currency: 'CNY', at: NOW - 60_000 } as const;
      await recordChannelOutcomes(context(), [{ ...outcome, outcome: 'succeeded' }], shard);
    }
    await recordUnavailable(context(), [
      { channel: 'alipay', merchantId: 'm_2', currency: 'CNY', at: NOW - 10_000 },
      { channel: 'alipay', merchantId: 'm_2', currency: 'CNY', at: NOW - 9_000 },
    ]);
    // Act
    const views = await channelViews(context(), ['alipay', 'wechatpay'], NOW, new ChannelRecords(context()));
    // Assess
    assert.deepEqual(views[0]?.health, {
      attempts: 5,
      succeeded: 3,
      failed: 0,
      unavailable: 2,
      authorizationRate: 1,
    });
    assert.deepEqual(views[0]?.currencies, ['CNY']);
    assert.deepEqual(views[1]?.health, {
      attempts: 0,
      succeeded: 0,
      failed: 0,
      unavailable: 0,
      authorizationRate: null,
    });
  });

  it('forgets outcomes older than the hour', async () => {
    await processBatch(
      batch([{ type: 'PaymentSucceeded', channel: 'wechatpay', currency: 'CNY', at: NOW - 3_700_000 }]),
      undefined,
      context(),
    );
    const [wechatpay] = await channelViews(context(), ['wechatpay'], NOW, new ChannelRecords(context()));
    assert.equal(wechatpay?.health.attempts, 0);
  });

  it("gives routing each channel's breaker, fees and the merchant's and everyone's windows", async () => {
    // Prepare
    const breakers = new DynamoBreakerStore(context(), new ChannelRecords(context()));
    for (let i = 0; i < 5; i++) await breakers.record('stripe', { type: 'unavailable', at: NOW - 5000 + i });
    const load = createChannelFactsLoader(context(), { records: new ChannelRecords(context()) });
    // Act
    const facts = await load({
      merchantId: 'm_2',
      currency: 'CNY',
      channels: ['alipay', 'stripe'],
      now: NOW,
    });
    // Assess
    assert.equal(facts.stripe?.breaker?.state.state, 'open');
    assert.deepEqual(facts.alipay?.fees, { CNY: { percentBps: 60, fixed: 0 } });
    assert.deepEqual(countsAt(facts.alipay?.merchantWindow as never, NOW), { succeeded: 1, failed: 0 });
    assert.deepEqual(countsAt(facts.alipay?.globalWindow as never, NOW), { succeeded: 3, failed: 0 });
    assert.deepEqual(countsAt(facts.stripe?.merchantWindow as never, NOW), { succeeded: 0, failed: 0 });
  });

  it('answers empty facts when the store is unreachable, so routing fails open', async () => {
    const client = localClient('http://127.0.0.1:9');
    const load = createChannelFactsLoader(
      { client, tableName: table.tableName },
      {
        records: new ChannelRecords({ client, tableName: table.tableName }),
      },
    );
    const facts = await load({
      merchantId: 'm_2',
      currency: 'USD',
      channels: ['sandbox', 'stripe'],
      now: NOW,
    });
    assert.deepEqual(facts, { sandbox: {}, stripe: {} });
    client.destroy();
  });

  it('reads each channel once a second per container, whatever the payments asking', async () => {
    // Prepare
    const client = localClient(table.endpoint);
    const faults = installFaults(client);
    let clock = NOW;
    const on = { client, tableName: table.tableName };
    const load = createChannelFactsLoader(on, {
      records: new ChannelRecords(on, { clock: () => clock }),
      clock: () => clock,
    });
    const input = {
      merchantId: 'm_2',
      currency: 'CNY',
      channels: ['alipay', 'wechatpay'] as const,
      now: NOW,
    };
    // Act
    for (let i = 0; i < 10; i++) await load({ ...input, channels: [...input.channels] });
    const first = faults.attempts('BatchGetItem');
    clock += 1000;
    await load({ ...input, channels: [...input.channels] });
    // Assess: one read of the records and one of the windows (2 channels × 2 scopes × 2 hours × 8 shards:
    // 64 keys), then again once the second is over.
    assert.equal(first, 2);
    assert.equal(faults.attempts('BatchGetItem'), 4);
    client.destroy();
  });

  it('sums a window that spans two clock hours, and only the last twelve buckets of it', async () => {
    // Prepare: NOW is 10:30, so the window runs from the 09:35 bucket to the 10:30 one.
    const outcome = { channel: 'sandbox', merchantId: 'm_5', currency: 'EUR' } as const;
    await recordChannelOutcomes(context(), [
      { ...outcome, at: Date.parse('2026-12-06T09:20:00Z'), outcome: 'succeeded' },
      { ...outcome, at: Date.parse('2026-12-06T09:50:00Z'), outcome: 'failed' },
      { ...outcome, at: Date.parse('2026-12-06T10:10:00Z'), outcome: 'succeeded' },
      { ...outcome, at: Date.parse('2026-12-06T10:34:59Z'), outcome: 'unavailable' },
    ]);
    // Act
    const [sandbox] = await channelViews(context(), ['sandbox'], NOW, new ChannelRecords(context()));
    // Assess
    assert.deepEqual(sandbox?.health, {
      attempts: 3,
      succeeded: 1,
      failed: 1,
      unavailable: 1,
      authorizationRate: 0.5,
    });
  });
});
