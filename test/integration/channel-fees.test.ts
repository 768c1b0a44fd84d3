/**
 * The channels' `channel-fees` function on DynamoDB Local: the fee schedules of the channels asked, as ops
 * last stored them (a change is seen at once, whatever the container cached), the default schedule of a
 * channel never configured; settlement's reader (through the Lambda Invoke API, as settle-merchant calls it)
 * gets every channel's; a request outside the contract is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import { DEFAULT_BREAKER_SETTINGS } from '../../shared/domain/breaker.js';
import { ROUTING_CHANNELS } from '../../shared/domain/routing/catalogue.js';
import { type ChannelFeesAnswer, channelFeesAnswerSchema } from '../../shared/internal/channel-fees.js';
import { invokedChannelFees } from '../../shared/settlement/channel-fees.js';
import { ChannelRecords } from '../../shared/store/dynamodb/channel-records.js';
import { DynamoChannelSettingsStore } from '../../shared/store/dynamodb/channel-settings.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';
import { type FunctionStub, startFunctionStub } from '../support/function-stub.js';

let table: TestTable;
let stub: FunctionStub;
let settings: DynamoChannelSettingsStore;
let handler: (event: unknown) => Promise<ChannelFeesAnswer>;

before(async () => {
  table = await startTestTable();
  setDynamoDbClient(table.client);
  process.env.TABLE_NAME = table.tableName;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  settings = new DynamoChannelSettingsStore(table, new ChannelRecords(table, { ttlMs: 0 }));
  ({ handler } = await import('../../functions/internal/channel-fees.js'));
  stub = await startFunctionStub('ChannelFees', (event) => handler(event));
});
after(async () => {
  setDynamoDbClient(undefined);
  await stub?.close();
  await table?.stop();
});

describe('channel-fees (channels) on DynamoDB Local', () => {
  it('answers the fees ops stored, and a change at once', async () => {
    // Prepare
    await settings.put('stripe', {
      fees: { USD: { percentBps: 250, fixed: 20 }, EUR: { percentBps: 140, fixed: 25 } },
      breaker: DEFAULT_BREAKER_SETTINGS,
    });

    // Act
    const first = await handler({ channels: ['stripe'] });
    await settings.put('stripe', {
      fees: { USD: { percentBps: 199, fixed: 0 } },
      breaker: DEFAULT_BREAKER_SETTINGS,
    });
    const second = await handler({ channels: ['stripe'] });

    // Assess
    assert.deepEqual(first, {
      fees: { stripe: { USD: { percentBps: 250, fixed: 20 }, EUR: { percentBps: 140, fixed: 25 } } },
    });
    assert.deepEqual(second, { fees: { stripe: { USD: { percentBps: 199, fixed: 0 } } } });
    z.parse(channelFeesAnswerSchema, second);
  });

  it('gives settlement every channel’s fees through the Invoke API, the defaults of one never configured', async () => {
    // Act
    const fees = await invokedChannelFees(stub.arn)();

    // Assess: what the channels' own store answers, channel by channel
    const stored = await settings.getAll(ROUTING_CHANNELS);
    assert.deepEqual(Object.keys(fees).sort(), [...ROUTING_CHANNELS].sort());
    for (const channel of ROUTING_CHANNELS)
      assert.deepEqual(fees[channel], stored.get(channel)?.fees, channel);
    assert.deepEqual(fees.stripe, { USD: { percentBps: 199, fixed: 0 } });
  });

  it('refuses a request outside the contract', async () => {
    await assert.rejects(handler({ channels: [] }));
    await assert.rejects(handler({ channels: ['paypal'] }));
    await assert.rejects(handler({}));
  });
});
