/**
 * The payment object's `routing` and `failureCode` as built from the stored item (shared design: the
 * decision is stored once, attempts are appended by the dispatcher and the outcome write, the submission
 * under way is derived while processing), and the create's first answer, which a replay must give exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRoute } from '../../../shared/domain/routing/decide.js';
import { validate } from '../../../shared/http/validation.js';
import { storedRoutingOf } from '../../../shared/routing/route-payment.js';
import { paymentSchema } from '../../../shared/schemas/payment.js';
import { unconfiguredRouting } from '../../../shared/store/dynamodb/payments.js';
import {
  firstAnswerOf,
  type PaymentItem,
  paymentFromItem,
  verdictForSlot,
} from '../../../shared/store/items.js';
import { paymentItem, T0, T1 } from '../../support/event-samples.js';

const T2 = '2026-03-01T10:00:09.000Z';

const routed = {
  strategy: 'priority',
  rule: 'usd-cards',
  candidates: ['stripe', 'sandbox'],
  chosen: 'stripe',
  reason: 'rule "usd-cards", priority: stripe, first healthy in order',
} as const;

function routedItem(overrides: Partial<PaymentItem> = {}): PaymentItem {
  return paymentItem({
    channel: 'stripe',
    routing: { ...routed, candidates: [...routed.candidates] },
    ...overrides,
  });
}

describe('the payment routing answer', () => {
  it('shows an item stored before routing as pinned to its channel, created before routing', () => {
    // Act
    const payment = paymentFromItem(paymentItem({ status: 'succeeded', updatedAt: T1 }));
    // Assess
    assert.deepEqual(payment.routing, {
      strategy: 'pinned',
      rule: null,
      candidates: ['sandbox'],
      chosen: 'sandbox',
      reason: 'created before routing',
      attempts: [],
    });
    assert.equal(payment.failureCode, null);
  });

  it('adds the submission under way as pending at updatedAt while the payment is processing', () => {
    // Act
    const payment = paymentFromItem(routedItem({ updatedAt: T1 }));
    // Assess
    assert.deepEqual(payment.routing, {
      ...routed,
      attempts: [{ channel: 'stripe', outcome: 'pending', at: T1 }],
    });
    validate(paymentSchema, payment, 'body');
  });

  it('lists stored attempts after a failover, then the pending one at the channel the payment is at now', () => {
    // Prepare
    const item = routedItem({
      channel: 'sandbox',
      attempts: [{ channel: 'stripe', outcome: 'unavailable', at: T1 }],
      updatedAt: T1,
    });
    // Act
    const payment = paymentFromItem(item);
    // Assess
    assert.equal(payment.channel, 'sandbox');
    assert.deepEqual(payment.routing.attempts, [
      { channel: 'stripe', outcome: 'unavailable', at: T1 },
      { channel: 'sandbox', outcome: 'pending', at: T1 },
    ]);
    assert.equal(payment.routing.chosen, 'stripe', 'the decision is never rewritten by a failover');
  });

  it('shows no pending attempt once the payment reached a final status, and its failureCode', () => {
    // Act
    const payment = paymentFromItem(
      routedItem({
        status: 'failed',
        failureCode: 'declined',
        attempts: [{ channel: 'stripe', outcome: 'declined', at: T2 }],
        updatedAt: T2,
      }),
    );
    // Assess
    assert.deepEqual(payment.routing.attempts, [{ channel: 'stripe', outcome: 'declined', at: T2 }]);
    assert.equal(payment.failureCode, 'declined');
    validate(paymentSchema, payment, 'body');
  });

  it('answers channel null and channel_unavailable for a payment no channel could take at create', () => {
    // Prepare: no `channel` attribute is stored for it
    const { channel: _none, ...stored } = routedItem({
      status: 'failed',
      failureCode: 'channel_unavailable',
      routing: { ...routed, candidates: [], chosen: null, reason: 'no healthy channel' },
    });
    // Act
    const payment = paymentFromItem(stored as PaymentItem);
    // Assess
    assert.equal(payment.channel, null);
    assert.equal(payment.failureCode, 'channel_unavailable');
    assert.deepEqual(payment.routing.attempts, []);
    validate(paymentSchema, payment, 'body');
  });
});

describe('the first answer of a create, replayed', () => {
  it('is the processing payment at the chosen channel, whatever happened since (failover, success)', () => {
    // Prepare
    const later = routedItem({
      channel: 'sandbox',
      status: 'succeeded',
      channelReference: 'sbx_1',
      attempts: [
        { channel: 'stripe', outcome: 'unavailable', at: T1 },
        { channel: 'sandbox', outcome: 'succeeded', at: T2 },
      ],
      updatedAt: T2,
    });
    // Act
    const first = firstAnswerOf(later);
    // Assess: exactly what paymentFromItem answered for the item as the create wrote it
    assert.deepEqual(first, paymentFromItem(routedItem()));
    assert.deepEqual(first.routing.attempts, [{ channel: 'stripe', outcome: 'pending', at: T0 }]);
    assert.equal(first.failureCode, null);
  });

  it('is the failed payment with channel_unavailable for a payment stored failed at create', () => {
    // Prepare
    const { channel: _none, ...stored } = routedItem({
      status: 'failed',
      failureCode: 'channel_unavailable',
      routing: { ...routed, candidates: [], chosen: null, reason: 'no healthy channel' },
    });
    // Act
    const verdict = verdictForSlot(stored as PaymentItem, String(stored.requestFingerprint));
    // Assess
    assert.deepEqual(verdict, { status: 201, body: paymentFromItem(stored as PaymentItem), replayed: true });
    assert.equal((verdict as { body: { status: string } }).body.status, 'failed');
  });

  it('keeps an item stored before routing answering as it did, pinned to its channel', () => {
    // Act
    const first = firstAnswerOf(paymentItem({ status: 'succeeded', updatedAt: T1 }));
    // Assess
    assert.equal(first.status, 'processing');
    assert.equal(first.channel, 'sandbox');
    assert.deepEqual(first.routing.attempts, [{ channel: 'sandbox', outcome: 'pending', at: T0 }]);
  });
});

describe('the decision stored for a caller that brings none', () => {
  it('is exactly what decideRoute decides for a merchant without configuration, pinned or not', () => {
    for (const channel of [undefined, 'sandbox', 'stripe'] as const) {
      // Act
      const decided = decideRoute({
        payment: { amount: 1050, currency: 'USD', channel },
        channels: {},
        random: 0.3,
      });
      // Assess
      assert.deepEqual(unconfiguredRouting({ channel }), storedRoutingOf(decided), String(channel));
    }
  });
});
