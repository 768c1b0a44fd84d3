import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventDetailSchemas } from '../../../shared/schemas/events.js';
import { WEBHOOK_EVENT_TYPES } from '../../../shared/schemas/webhooks.js';
import {
  WEBHOOK_DETAIL_TYPES,
  webhookPayloadOf,
  webhookTypeOf,
} from '../../../shared/webhooks/event-types.js';
import { parseWebhookSource } from '../../../shared/webhooks/parse.js';

const payment = { id: 'pay_x', object: 'payment', status: 'succeeded', amount: 100 };
const refund = { id: 're_x', object: 'refund', paymentId: 'pay_x', amount: 50 };

function message(detailType: string, data: unknown, source = 'payments'): string {
  return JSON.stringify({
    id: 'eb-1',
    'detail-type': detailType,
    source,
    time: '2026-01-02T03:04:05Z',
    detail: {
      eventId: 'evt_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      occurredAt: '2026-01-02T03:04:05.000Z',
      merchantId: 'm_1',
      version: 1,
      data,
    },
  });
}

describe('webhook event types', () => {
  it('maps each payment and refund detail-type to its dotted type', () => {
    assert.equal(webhookTypeOf('PaymentCreated'), 'payment.created');
    assert.equal(webhookTypeOf('PaymentSucceeded'), 'payment.succeeded');
    assert.equal(webhookTypeOf('PaymentFailed'), 'payment.failed');
    assert.equal(webhookTypeOf('PaymentCanceled'), 'payment.canceled');
    assert.equal(webhookTypeOf('RefundCreated'), 'refund.created');
    assert.equal(webhookTypeOf('RefundSucceeded'), 'refund.succeeded');
    assert.equal(webhookTypeOf('RefundFailed'), 'refund.failed');
  });

  it('sends merchants no internal event', () => {
    for (const t of ['RiskAssessed', 'DiscrepancyFound', 'SettlementCompleted', 'toString', 'constructor']) {
      assert.equal(webhookTypeOf(t), undefined, t);
    }
  });

  it('routes exactly the detail-types that exist on the bus and map to a contract type', () => {
    for (const t of WEBHOOK_DETAIL_TYPES) assert.ok(Object.hasOwn(eventDetailSchemas, t), t);
    assert.deepEqual(
      WEBHOOK_DETAIL_TYPES.map((t) => webhookTypeOf(t)).sort(),
      [...WEBHOOK_EVENT_TYPES].sort(),
    );
  });

  it('builds the payload from the event: same id, createdAt = occurredAt, data.object = the object', () => {
    const succeeded = parseWebhookSource(message('PaymentSucceeded', { payment }));
    assert.ok(succeeded);
    assert.equal(succeeded.merchantId, 'm_1');
    assert.deepEqual(webhookPayloadOf(succeeded), {
      id: 'evt_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      type: 'payment.succeeded',
      createdAt: '2026-01-02T03:04:05.000Z',
      data: { object: payment },
    });
    const refunded = parseWebhookSource(message('RefundSucceeded', { refund, paymentId: 'pay_x' }));
    assert.ok(refunded);
    assert.deepEqual(webhookPayloadOf(refunded).data, { object: refund });
  });

  it('passes over internal events and refuses what is not one of our events', () => {
    assert.equal(parseWebhookSource(message('RiskAssessed', { paymentId: 'pay_x' })), undefined);
    assert.throws(() => parseWebhookSource('not json'), { code: 'invalid_event' });
    assert.throws(() => parseWebhookSource(message('PaymentSucceeded', { payment }, 'other')), {
      code: 'invalid_event',
    });
    assert.throws(() => parseWebhookSource(message('RefundSucceeded', { payment })), {
      code: 'invalid_event',
    });
  });
});
