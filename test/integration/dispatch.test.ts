import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createDispatcher, DispatchBatch } from '../../shared/channels/dispatcher.js';
import type { Payment } from '../../shared/schemas/payment.js';
import type { Refund } from '../../shared/schemas/refund.js';
import type { DispatchStore } from '../../shared/store/dynamodb/channel-dispatch.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { type PaymentItem, paymentFromItem } from '../../shared/store/items.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';
import { coreDispatchStore } from '../support/object-states.js';
import { FakeBreakers, FakeChannel } from '../unit/channels/dispatcher-fakes.js';

const unavailable = { kind: 'unavailable', code: 'http_503', message: 'down' } as const;

describe('dispatcher writes on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let outcomes: DynamoChannelOutcomeStore;
  let store: DispatchStore;
  let n = 0;

  before(async () => {
    table = await startTestTable('payments-dispatch');
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
    store = coreDispatchStore(context);
  });
  after(async () => table.stop());

  async function createPayment(amount = 1050): Promise<Payment> {
    const body = { amount, currency: 'USD', channel: 'sandbox' as const };
    const created = await payments.create({
      merchantId: 'm_d',
      idempotencyKey: `dispatch-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(),
    });
    return created.body as Payment;
  }

  async function item(id: string, sk = 'OBJ') {
    const out = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: marshall({ PK: keys.object(id.slice(id.indexOf('_') + 1)).PK, SK: sk }),
        ConsistentRead: true,
      }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  /**
   * The finished attempts the payment answers: stored compactly, a capture dated by the settlement key
   * its write sets (items.ts, payment-codec.ts).
   */
  function attemptsOf(stored: Record<string, unknown> | undefined) {
    assert.ok(stored);
    return paymentFromItem(stored as unknown as PaymentItem).routing.attempts.filter(
      (a) => a.outcome !== 'pending',
    );
  }

  function outcome(id: string, to: 'succeeded' | 'failed', amount = 1050) {
    const now = new Date();
    return outcomes.applyPaymentOutcome({
      channel: 'sandbox',
      eventId: `evt_${id}_${to}`,
      reference: id,
      to,
      channelReference: 'sbx_1',
      amount,
      currency: 'USD',
      occurredAt: now.toISOString(),
      now,
    });
  }

  it('appends the outcome to the attempts and sets failureCode on a failed payment, in the one write', async () => {
    // Prepare
    const failed = await createPayment();
    const succeeded = await createPayment();
    // Act
    await outcome(failed.id, 'failed');
    await outcome(succeeded.id, 'succeeded');
    await outcome(succeeded.id, 'succeeded'); // a duplicate changes nothing
    // Assess
    const f = await item(failed.id);
    assert.equal(f?.status, 'failed');
    assert.equal(f?.failureCode, 'declined');
    assert.deepEqual(
      attemptsOf(f).map((a) => [a.channel, a.outcome]),
      [['sandbox', 'failed']],
    );
    const s = await item(succeeded.id);
    assert.equal(s?.failureCode, undefined);
    assert.deepEqual(
      attemptsOf(s).map((a) => a.outcome),
      ['succeeded'],
    );
  });

  it('lets only one of two concurrent dispatchers fail a payment over, and submits it once to the next channel, never again to the first', async () => {
    // Prepare
    const p = await createPayment();
    const sandbox = new FakeChannel('sandbox', unavailable);
    const stripe = new FakeChannel('stripe');
    const dispatcher = () =>
      createDispatcher({
        adapters: { sandbox: sandbox.adapter(), stripe: stripe.adapter() },
        store,
        outcomes,
        breakers: new FakeBreakers(),
        breakerPosition: async () => 'closed',
        now: () => new Date(),
      });
    const image = {
      ...p,
      description: undefined,
      metadata: {},
      routing: { candidates: ['sandbox', 'stripe'] },
    };
    // Both submissions to the first channel are held until both are in: each dispatcher has read the
    // payment (still at the first channel) before either fails it over, the race this test is about.
    let release = () => {};
    const bothIn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = setTimeout(release, 5_000);
    sandbox.arrive = async () => {
      if (sandbox.submitted.length === 2) release();
      await bothIn;
    };
    // Act
    await Promise.all([
      dispatcher().dispatchPayment(image, new DispatchBatch()),
      dispatcher().dispatchPayment(image, new DispatchBatch()),
    ]);
    clearTimeout(held);
    sandbox.arrive = undefined;
    // Assess: both tried the first channel (which deduplicates by our reference, and took neither); only
    // the one whose guarded write moved the payment submitted it to the next.
    assert.equal(sandbox.submitted.length, 2);
    assert.equal(stripe.submitted.length, 1);
    // Act: the stream retries the record, whose image still says sandbox.
    await dispatcher().dispatchPayment(image, new DispatchBatch());
    // Assess: it goes where the payment is now, never back to the channel it left.
    assert.equal(sandbox.submitted.length, 2);
    assert.deepEqual(stripe.submitted, [p.id, p.id]);
    const stored = await item(p.id);
    assert.equal(stored?.channel, 'stripe');
    assert.equal(stored?.status, 'processing');
    assert.deepEqual(
      attemptsOf(stored).map((a) => [a.channel, a.outcome]),
      [['sandbox', 'unavailable']],
    );
    // The notification from the channel it moved to is applied; the first one's would be a mismatch.
    const now = new Date();
    const late = { eventId: 'evt_late', reference: p.id, to: 'succeeded' as const, channelReference: 'x' };
    const common = { amount: 1050, currency: 'USD', occurredAt: now.toISOString(), now };
    assert.equal(
      (await outcomes.applyPaymentOutcome({ ...late, channel: 'sandbox', ...common })).kind,
      'mismatch',
    );
    assert.equal(
      (await outcomes.applyPaymentOutcome({ ...late, eventId: 'evt_ok', channel: 'stripe', ...common })).kind,
      'applied',
    );
    const done = await item(p.id);
    assert.deepEqual(
      attemptsOf(done).map((a) => [a.channel, a.outcome]),
      [
        ['sandbox', 'unavailable'],
        ['stripe', 'succeeded'],
      ],
    );
  });

  it('fails a payment at its channel once, with the code and the attempt', async () => {
    const p = await createPayment();
    const input = {
      paymentId: p.id,
      channel: 'sandbox',
      failureCode: 'channel_unavailable' as const,
      attempt: 'unavailable' as const,
      at: new Date(),
    };
    assert.equal(await store.failPayment(input), true);
    assert.equal(await store.failPayment(input), false);
    assert.equal(
      await store.failOver({ paymentId: p.id, from: 'sandbox', to: 'stripe', at: new Date() }),
      false,
    );
    const stored = await item(p.id);
    assert.equal(stored?.status, 'failed');
    assert.equal(stored?.failureCode, 'channel_unavailable');
    assert.equal(stored?.attempts.length, 1);
  });

  it('fails a refund the channel refused and releases its amount on the payment', async () => {
    // Prepare
    const p = await createPayment(2000);
    await outcome(p.id, 'succeeded', 2000);
    const body = { amount: 700 };
    const created = await new DynamoRefundStore({ client: table.client, tableName: table.tableName }).create({
      merchantId: 'm_d',
      paymentId: p.id,
      idempotencyKey: `refund-${++n}`,
      requestFingerprint: requestFingerprint('POST', `/v1/payments/${p.id}/refunds`, body),
      amount: 700,
      now: new Date(),
    });
    const refund = created.body as Refund;
    assert.equal((await item(p.id))?.amountRefunded, 700);
    const input = { refundId: refund.id, paymentId: p.id, channel: 'sandbox', amount: 700, at: new Date() };
    // Act
    const first = await store.failRefund(input);
    const again = await store.failRefund(input);
    // Assess
    assert.deepEqual([first, again], [true, false]);
    assert.equal((await item(p.id, `REF#${refund.id}`))?.status, 'failed');
    const released = await item(p.id);
    assert.equal(released?.amountRefunded, 0);
    assert.equal(released?.refundableRemaining, 2000);
    assert.equal((await store.readRefund(refund.id, p.id))?.status, 'failed');
  });
});
