/**
 * A failover moves the payment's daily quota count on DynamoDB Local: routed at create onto Stripe's
 * quota, failed over by the dispatcher to the sandbox, the amount leaves Stripe's usage and joins the
 * sandbox's in the failover's own transaction, on the day the payment was created. Of two dispatchers
 * only the one whose guarded move lands moves the count; a channel without a quota counts nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createDispatcher, DispatchBatch } from '../../shared/channels/dispatcher.js';
import type { RoutingChannel } from '../../shared/domain/routing/catalogue.js';
import { routePayment, storedRoutingOf } from '../../shared/routing/route-payment.js';
import type { CreatePaymentBody } from '../../shared/schemas/payment.js';
import { type RoutingConfigBody, routingConfigSchema } from '../../shared/schemas/routing.js';
import type { DispatchStore } from '../../shared/store/dynamodb/channel-dispatch.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { quotaDay, readQuotaUsage } from '../../shared/store/dynamodb/quota-usage.js';
import type { TableContext } from '../../shared/store/dynamodb/table.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import type { PaymentItem } from '../../shared/store/items.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';
import { coreDispatchStore } from '../support/object-states.js';
import { FakeBreakers, FakeChannel } from '../unit/channels/dispatcher-fakes.js';

/** Created the day before the failover runs: the count stays on the creation day. */
const CREATED = new Date('2026-12-05T23:59:59.000Z');
const DAY = '2026-12-05';
const unavailable = { kind: 'unavailable', code: 'http_503', message: 'down' } as const;

describe('quota counts moved by failover on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let store: DispatchStore;
  let outcomes: DynamoChannelOutcomeStore;
  const capacity: { operation: string; units: number }[] = [];

  before(async () => {
    table = await startTestTable('payments-quota-failover');
    const context: TableContext = {
      client: table.client,
      tableName: table.tableName,
      onConsumedCapacity: (operation, consumed) =>
        void capacity.push({ operation, units: consumed.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0) }),
    };
    payments = new DynamoPaymentStore(context);
    store = coreDispatchStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
  });
  after(async () => table.stop());

  /** What create-payment does, then the inserted item as the dispatcher's stream record carries it. */
  async function createRouted(merchantId: string, body: CreatePaymentBody, config: RoutingConfigBody) {
    const routed = await routePayment(
      { merchantId, amount: body.amount, currency: body.currency, now: CREATED },
      {
        config,
        loadFacts: async () => ({}),
        readQuotaUsage: (m, currency, channels, now) =>
          readQuotaUsage(table, m, currency, quotaDay(now), channels),
        random: 0.5,
      },
    );
    const answer = await payments.create({
      merchantId,
      idempotencyKey: `k-${merchantId}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: CREATED,
      routing: storedRoutingOf(routed.decision),
      countQuota: routed.countQuota,
      quotaChannels: routed.quotaChannels,
    });
    assert.equal(answer.status, 201);
    const id = (answer.body as { id: string }).id;
    return { ...(await rawItem(id)), metadata: {} };
  }

  async function rawItem(id: string): Promise<PaymentItem> {
    const out = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: marshall(keys.object(id.slice('pay_'.length))),
        ConsistentRead: true,
      }),
    );
    return unmarshall(out.Item ?? {}) as PaymentItem;
  }

  const usage = (merchantId: string, channels: RoutingChannel[]) =>
    readQuotaUsage(table, merchantId, 'USD', DAY, channels);

  function dispatcher(stripe: FakeChannel, sandbox: FakeChannel) {
    return createDispatcher({
      adapters: { stripe: stripe.adapter(), sandbox: sandbox.adapter() },
      store,
      outcomes,
      breakers: new FakeBreakers(),
      breakerPosition: async () => 'closed',
      now: () => new Date(),
    });
  }

  it('moves the count from the channel left to the next, once, however many dispatchers race', async () => {
    // Prepare
    const config = routingConfigSchema.parse({
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: { stripe: { USD: 10_000 }, sandbox: { USD: 10_000 } },
    });
    const image = await createRouted('m_qf_1', { amount: 3_000, currency: 'USD' }, config);
    assert.deepEqual(image.quotaChannels, ['stripe', 'sandbox']);
    assert.deepEqual(await usage('m_qf_1', ['stripe', 'sandbox']), { stripe: 3_000, sandbox: 0 });
    const stripe = new FakeChannel('stripe', unavailable);
    const sandbox = new FakeChannel('sandbox');
    capacity.length = 0;
    // Act
    await Promise.all([
      dispatcher(stripe, sandbox).dispatchPayment(image, new DispatchBatch()),
      dispatcher(stripe, sandbox).dispatchPayment(image, new DispatchBatch()),
    ]);
    await dispatcher(stripe, sandbox).dispatchPayment(image, new DispatchBatch());
    // Assess
    // A loser that read the payment after the move submits straight to the sandbox: 2 or 3 submissions
    // there depending on the race, never one to another channel.
    assert.ok(sandbox.submitted.length >= 2 && stripe.submitted.length <= 2);
    assert.equal((await rawItem(image.id)).channel, 'sandbox');
    assert.deepEqual(await usage('m_qf_1', ['stripe', 'sandbox']), { stripe: 0, sandbox: 3_000 });
    // One transaction (payment and two shards) landed; the losing move wrote nothing. (Its units are not
    // asserted: DynamoDB Local reports a transaction as if its items were one.)
    const moves = capacity.filter((c) => c.operation.startsWith('failOver')).map((c) => c.operation);
    assert.deepEqual(moves, ['failOver.transacted']);
  });

  it('counts on the next channel alone when the channel left has no quota, and nothing without quotas', async () => {
    // Prepare
    const onlyNext = routingConfigSchema.parse({
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: { sandbox: { USD: 10_000 } },
    });
    const none = routingConfigSchema.parse({
      default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
      quotas: { sandbox: { EUR: 10_000 } },
    });
    const counted = await createRouted('m_qf_2', { amount: 1_200, currency: 'USD' }, onlyNext);
    const uncounted = await createRouted('m_qf_3', { amount: 1_200, currency: 'USD' }, none);
    assert.equal(uncounted.quotaChannels, undefined, 'nothing stored where no quota applies');
    capacity.length = 0;
    // Act
    for (const image of [counted, uncounted]) {
      await dispatcher(new FakeChannel('stripe', unavailable), new FakeChannel('sandbox')).dispatchPayment(
        image,
        new DispatchBatch(),
      );
    }
    // Assess
    assert.deepEqual(await usage('m_qf_2', ['stripe', 'sandbox']), { stripe: 0, sandbox: 1_200 });
    assert.deepEqual(await usage('m_qf_3', ['stripe', 'sandbox']), { stripe: 0, sandbox: 0 });
    assert.deepEqual(
      capacity.filter((c) => c.operation.startsWith('failOver')).map((c) => c.operation),
      ['failOver.transacted', 'failOver'],
    );
  });
});
