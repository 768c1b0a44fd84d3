import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_BREAKER_SETTINGS } from '../../shared/domain/breaker.js';
import { DEFAULT_CHANNEL_FEES } from '../../shared/domain/channel-defaults.js';
import { ChannelRecords } from '../../shared/store/dynamodb/channel-records.js';
import {
  DynamoChannelSettingsStore,
  InvalidChannelSettingsError,
} from '../../shared/store/dynamodb/channel-settings.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

describe('channel settings store on DynamoDB Local', () => {
  let table: TestTable;
  let clock = 0;
  let store: DynamoChannelSettingsStore;
  let other: DynamoChannelSettingsStore;

  before(async () => {
    table = await startTestTable('payments-channel-settings');
    const context = { client: table.client, tableName: table.tableName };
    store = new DynamoChannelSettingsStore(context, new ChannelRecords(context, { clock: () => clock }));
    // Another container, with its own cache.
    other = new DynamoChannelSettingsStore(context, new ChannelRecords(context, { clock: () => clock }));
  });
  after(async () => table.stop());

  it("answers each channel's default fees and breaker when nothing is stored", async () => {
    // Act
    const all = await store.getAll(['sandbox', 'stripe', 'alipay', 'wechatpay']);
    // Assess
    assert.deepEqual(all.get('stripe'), {
      fees: DEFAULT_CHANNEL_FEES.stripe,
      breaker: DEFAULT_BREAKER_SETTINGS,
    });
    assert.deepEqual(all.get('alipay')?.fees, { CNY: { percentBps: 60, fixed: 0 } });
    assert.deepEqual(all.get('sandbox')?.fees.JPY, { percentBps: 290, fixed: 30 });
  });

  it('replaces the settings whole; another container sees them once its second is over', async () => {
    // Prepare
    const settings = {
      fees: { USD: { percentBps: 250, fixed: 25 } },
      breaker: { failureThreshold: 3, windowSeconds: 30, cooldownSeconds: 10 },
    };
    await other.get('stripe');
    // Act
    const stored = await store.put('stripe', settings);
    // Assess
    assert.deepEqual(stored, settings);
    assert.deepEqual(await store.get('stripe'), settings);
    assert.deepEqual((await other.get('stripe')).fees, DEFAULT_CHANNEL_FEES.stripe, 'cached ≤ 1 s');
    clock += 1000;
    assert.deepEqual(await other.get('stripe'), settings);
  });

  it('answers a record past 80 % of its second at once and reads it again behind the request', async () => {
    // Prepare
    const before = await other.get('sandbox');
    const settings = { fees: { USD: { percentBps: 100, fixed: 0 } }, breaker: DEFAULT_BREAKER_SETTINGS };
    await store.put('sandbox', settings);
    // Act: 0.85 s later (past 80 % of its second), the cached record, and a read started in the background
    clock += 850;
    const stale = await other.get('sandbox');
    await new Promise((r) => setTimeout(r, 200));
    const refreshed = await other.get('sandbox');
    // Assess
    assert.deepEqual(stale, before);
    assert.deepEqual(refreshed, settings, 'the background read landed before the TTL was over');
  });

  it('refuses fees in a currency the channel does not take, naming the field', async () => {
    await assert.rejects(
      store.put('alipay', { fees: { USD: { percentBps: 60, fixed: 0 } }, breaker: DEFAULT_BREAKER_SETTINGS }),
      (error: unknown) =>
        error instanceof InvalidChannelSettingsError && error.issues[0]?.path === 'fees.USD',
    );
    assert.deepEqual((await store.get('alipay')).fees, DEFAULT_CHANNEL_FEES.alipay);
  });

  it('applies the defaults when the stored settings are not a shape it writes', async () => {
    // Prepare: a threshold of 0 (no PUT can store it)
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: marshall({
          ...keys.channelSettings('wechatpay'),
          entity: 'channelSettings',
          channel: 'wechatpay',
          settings: { fees: {}, breaker: { failureThreshold: 0, windowSeconds: 60, cooldownSeconds: 30 } },
        }),
      }),
    );
    clock += 1000;
    // Act
    const settings = await store.get('wechatpay');
    // Assess
    assert.deepEqual(settings, { fees: DEFAULT_CHANNEL_FEES.wechatpay, breaker: DEFAULT_BREAKER_SETTINGS });
  });
});
