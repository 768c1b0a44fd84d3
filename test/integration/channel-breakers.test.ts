/**
 * The channels' breakers on DynamoDB Local, each store standing for another container (its own cache):
 * concurrent reports open a breaker once, one half-open probe is elected, its answer closes or reopens
 * the breaker, healthy calls write nothing, and an unreachable store fails open.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RoutingChannel } from '../../shared/domain/routing/catalogue.js';
import { eventsFromChange } from '../../shared/events/derive.js';
import { DynamoBreakerStore } from '../../shared/store/dynamodb/channel-breakers.js';
import { ChannelRecords, channelRecords } from '../../shared/store/dynamodb/channel-records.js';
import { localClient, startTestTable, type TestTable } from '../support/dynamodb.js';
import { installFaults, networkError } from '../support/faults.js';
import { streamRecords } from '../support/stream.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const T0 = Date.parse('2026-12-06T10:00:00Z');
const COOLDOWN_MS = 30_000;

describe('channel breaker store on DynamoDB Local', () => {
  let table: TestTable;
  const context = () => ({ client: table.client, tableName: table.tableName });
  /** A store as another container holds it. */
  const container = () => new DynamoBreakerStore(context(), new ChannelRecords(context()));

  /** The breaker item's state changes the stream shows for `channel`, oldest first. */
  async function transitions(channel: RoutingChannel): Promise<string[]> {
    const image = (v: unknown) => (v ? unmarshall(v as Record<string, AttributeValue>) : undefined);
    return (await streamRecords(table))
      .map((r) => ({ old: image(r.dynamodb.OldImage), now: image(r.dynamodb.NewImage) }))
      .filter(({ now }) => now?.entity === 'channelBreaker' && now.channel === channel)
      .filter(({ old, now }) => old?.state !== now?.state || old?.openedAt !== now?.openedAt)
      .map(({ old, now }) => `${old?.state ?? 'none'}→${now?.state}`);
  }

  async function openBreaker(channel: RoutingChannel, from = T0): Promise<void> {
    const store = container();
    for (let i = 0; i < 5; i++) await store.record(channel, { type: 'unavailable', at: from + i });
  }

  before(async () => {
    table = await startTestTable('payments-channel-breakers');
  });
  after(async () => table.stop());

  it('opens exactly once when 20 containers report the channel unavailable at once', async () => {
    // Act
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => container().record('stripe', { type: 'unavailable', at: T0 + i })),
    );
    // Assess
    assert.deepEqual(
      (await transitions('stripe')).filter((t) => t.endsWith('→open')),
      ['closed→open'],
    );
    const claims = await Promise.all([1, 2, 3].map(() => container().claimProbe('stripe', T0 + 1000)));
    assert.deepEqual(claims, [false, false, false], 'open: no traffic before the cooldown');
  });

  it('elects exactly one half-open probe among concurrent claims', async () => {
    // Prepare: stripe opened at about T0 + 4 in the test above.
    const at = T0 + 100 + COOLDOWN_MS;
    // Act
    const claims = await Promise.all(Array.from({ length: 10 }, () => container().claimProbe('stripe', at)));
    // Assess
    assert.equal(claims.filter(Boolean).length, 1);
    assert.equal(await container().claimProbe('stripe', at + 1000), false, 'the probe is held');
  });

  it('closes when the probe succeeds, and publishes the change once', async () => {
    // Act
    await container().record('stripe', { type: 'probe_result', at: T0 + 200 + COOLDOWN_MS, available: true });
    // Assess
    assert.deepEqual((await transitions('stripe')).slice(-2), ['open→half_open', 'half_open→closed']);
    const image = (v: unknown) => (v ? unmarshall(v as Record<string, AttributeValue>) : undefined);
    const events = (await streamRecords(table)).flatMap((r) =>
      eventsFromChange({
        eventName: r.eventName,
        oldImage: image(r.dynamodb.OldImage),
        newImage: image(r.dynamodb.NewImage),
      }),
    );
    assert.deepEqual(
      events.map((e) => e.detailType),
      ['ChannelBreakerOpened', 'ChannelBreakerClosed'],
    );
    assert.equal(await container().claimProbe('stripe', T0 + 300 + COOLDOWN_MS), true);
  });

  it('opens again when the probe finds the channel still unavailable', async () => {
    // Prepare
    await openBreaker('alipay');
    const probeAt = T0 + 10 + COOLDOWN_MS;
    assert.equal(await container().claimProbe('alipay', probeAt), true);
    // Act
    await container().record('alipay', { type: 'probe_result', at: probeAt + 5, available: false });
    // Assess
    assert.deepEqual(await transitions('alipay'), [
      'none→closed',
      'closed→open',
      'open→half_open',
      'half_open→open',
    ]);
    assert.equal(await container().claimProbe('alipay', probeAt + 1000), false, 'a new cooldown starts');
    assert.equal(await container().claimProbe('alipay', probeAt + 5 + COOLDOWN_MS), true);
  });

  it('writes nothing for healthy calls and declines', async () => {
    // Prepare
    const client = localClient(table.endpoint);
    const faults = installFaults(client);
    const store = new DynamoBreakerStore(
      { client, tableName: table.tableName },
      new ChannelRecords({ client, tableName: table.tableName }),
    );
    // Act
    for (let i = 0; i < 10; i++) {
      await store.record('wechatpay', { type: 'succeeded', at: T0 + i });
      await store.record('wechatpay', { type: 'declined', at: T0 + i });
      assert.equal(await store.claimProbe('wechatpay', T0 + i), true);
    }
    // Assess
    assert.equal(faults.attempts('PutItem'), 0);
    assert.equal(faults.attempts('BatchGetItem'), 1, 'one read, then the container cache');
    client.destroy();
  });

  it('counts a failure once when the answer to its write was lost and the SDK retried it', async () => {
    // Prepare
    const client = localClient(table.endpoint);
    const faults = installFaults(client);
    const on = { client, tableName: table.tableName };
    const store = new DynamoBreakerStore(on, new ChannelRecords(on));
    faults.inject({ command: 'PutItem', when: 'after', attempts: 1, error: networkError });
    // Act
    await store.record('sandbox', { type: 'unavailable', at: T0 });
    // Assess
    const { breaker } = await channelRecords(context()).one('sandbox', true);
    assert.deepEqual(breaker.state.failures, [T0]);
    assert.equal(faults.attempts('PutItem'), 2, 'the lost answer, then the retry the condition refused');
    client.destroy();
  });

  it('fails open when the store is unreachable', async () => {
    // Prepare: nothing listens on port 9.
    const client = localClient('http://127.0.0.1:9');
    const store = new DynamoBreakerStore(
      { client, tableName: table.tableName },
      new ChannelRecords({ client, tableName: table.tableName }),
    );
    // Act / Assess
    await store.record('sandbox', { type: 'unavailable', at: T0 });
    assert.equal(await store.claimProbe('sandbox', T0), true);
    client.destroy();
  });
});
