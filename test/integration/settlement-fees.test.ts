/**
 * Settlement fees per channel on DynamoDB Local: a merchant-day of payments that succeeded at two
 * channels (one after a failover) and in two currencies settles per currency, each payment charged its
 * channel's fee from the channel settings; the settlement records the schedules it used, and a payment
 * held, then released, keeps its channel's fee.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_BREAKER_SETTINGS } from '../../shared/domain/breaker.js';
import { ROUTING_CHANNELS } from '../../shared/domain/routing/catalogue.js';
import { DEFAULT_PRICING, feeOf } from '../../shared/domain/settlement/pricing.js';
import type { Payment } from '../../shared/schemas/payment.js';
import { settleMerchant } from '../../shared/settlement/settle.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { ChannelRecords } from '../../shared/store/dynamodb/channel-records.js';
import { DynamoChannelSettingsStore } from '../../shared/store/dynamodb/channel-settings.js';
import { DynamoHoldStore } from '../../shared/store/dynamodb/holds.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { keys } from '../../shared/store/keys.js';
import { LOCAL_INDEX_LAG_MS, startTestTable, type TestTable } from '../support/dynamodb.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const DAY = '2026-02-10';
const at = (hh: string) => `${DAY}T${hh}:00:00.000Z`;

describe('settlement fees per channel on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let outcomes: DynamoChannelOutcomeStore;
  let settings: DynamoChannelSettingsStore;
  let holds: DynamoHoldStore;
  let store: DynamoSettlementStore;
  let n = 0;

  before(async () => {
    table = await startTestTable('payments-settlement-fees');
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
    settings = new DynamoChannelSettingsStore(context, new ChannelRecords(context, { ttlMs: 0 }));
    holds = new DynamoHoldStore(context);
    store = new DynamoSettlementStore(context);
    await settings.put('stripe', {
      fees: { USD: { percentBps: 250, fixed: 20 } },
      breaker: DEFAULT_BREAKER_SETTINGS,
    });
  });
  after(async () => table.stop());

  const deps = () => ({
    store,
    indexLagMs: LOCAL_INDEX_LAG_MS,
    channelFees: async () =>
      Object.fromEntries([...(await settings.getAll(ROUTING_CHANNELS))].map(([c, s]) => [c, s.fees])),
  });

  /** A payment that succeeded at `channel` (moved there from the sandbox first, as a failover does). */
  async function payment(merchantId: string, amount: number, currency: string, channel: string, hh: string) {
    const body = { channel: 'sandbox' as const, amount, currency };
    const created = await payments.create({
      merchantId,
      idempotencyKey: `fees-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(Date.parse(at(hh)) - 2_000),
    });
    const { id } = created.body as Payment;
    if (channel !== 'sandbox') {
      await table.client.send(
        new UpdateItemCommand({
          TableName: table.tableName,
          Key: marshall(keys.object(id.slice('pay_'.length))),
          UpdateExpression: 'SET channel = :c',
          ExpressionAttributeValues: marshall({ ':c': channel }),
        }),
      );
    }
    const applied = await outcomes.applyPaymentOutcome({
      channel,
      eventId: `evt_${id}`,
      reference: id,
      to: 'succeeded',
      channelReference: `ch_${id}`,
      amount,
      currency,
      occurredAt: new Date(Date.parse(at(hh)) - 500).toISOString(),
      now: new Date(at(hh)),
    });
    assert.equal(applied.kind, 'applied');
    return id;
  }

  it('charges each payment its channel’s fee and settles the day per currency', async () => {
    // Prepare
    const m = 'm_fees';
    await payment(m, 10_000, 'USD', 'stripe', '09');
    await payment(m, 10_000, 'USD', 'sandbox', '10');
    await payment(m, 20_000, 'EUR', 'stripe', '11');
    const held = await payment(m, 4_000, 'USD', 'stripe', '12');
    await holds.hold(m, held, 'review');
    // Act
    const refs = await settleMerchant(deps(), {
      merchantId: m,
      date: DAY,
      runId: 'str_fees_1',
      startedAt: new Date('2026-02-11T03:00:00.000Z'),
    });
    // Assess
    const byCurrency = new Map(
      await Promise.all(refs.map(async (r) => [r.currency, await store.settlement(m, r.id)] as const)),
    );
    const usd = byCurrency.get('USD');
    const eur = byCurrency.get('EUR');
    assert.equal(usd?.feeAmount, 250 + 20 + feeOf(DEFAULT_PRICING, 10_000, 'USD'));
    assert.equal(usd?.grossAmount, 20_000);
    // The sandbox's default schedule is the merchant pricing's 290 bps + 30: the same fee, now recorded.
    assert.deepEqual(usd?.fees, {
      stripe: { percentBps: 250, fixed: 20 },
      sandbox: { percentBps: 290, fixed: 30 },
    });
    // Ops replaced Stripe's fees with a USD one only: its EUR payment is priced with the merchant's pricing.
    assert.equal(eur?.feeAmount, feeOf(DEFAULT_PRICING, 20_000, 'EUR'));
    assert.deepEqual(eur?.fees, {});

    // Act: the held payment is released and lands in the next settlement with its channel's fee.
    await holds.release(m, held, 'review');
    const [next] = await settleMerchant(deps(), {
      merchantId: m,
      date: '2026-02-11',
      runId: 'str_fees_2',
      startedAt: new Date('2026-02-12T03:00:00.000Z'),
    });
    // Assess
    const released = next && (await store.settlement(m, next.id));
    assert.equal(released?.releasedCount, 1);
    assert.equal(released?.feeAmount, 100 + 20);
    assert.equal(released?.windows.released[0]?.channel, 'stripe');
  });
});
