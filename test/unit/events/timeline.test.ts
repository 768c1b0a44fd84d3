/**
 * timelineOf against the publisher: each scenario replays the writes the system makes to a payment and
 * its refunds, derives what the publisher would have published from each stream record (derive.ts), and
 * asks the timeline, built from the final items only, to give exactly those events in that order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromChange } from '../../../shared/events/derive.js';
import { type TimelinePaymentItem, timelineOf } from '../../../shared/events/timeline.js';
import type { PaymentsEvent } from '../../../shared/schemas/events.js';
import type { RefundItem } from '../../../shared/store/items.js';
import { paymentItem, refundItem, T0 } from '../../support/event-samples.js';

const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const routing = {
  strategy: 'priority' as const,
  rule: null,
  candidates: ['sandbox', 'stripe'] as ('sandbox' | 'stripe')[],
  chosen: 'sandbox' as const,
  reason: 'first healthy candidate',
};

/** What the publisher saw: the events of each stream record of an object's successive images. */
class Stream {
  readonly published: PaymentsEvent[] = [];
  private readonly last = new Map<string, Record<string, unknown>>();

  write<T extends { id: string }>(image: T): T {
    const previous = this.last.get(image.id);
    const record = previous
      ? { eventName: 'MODIFY', oldImage: previous, newImage: image as never }
      : { eventName: 'INSERT', newImage: image as never };
    this.published.push(...eventsFromChange(record));
    this.last.set(image.id, image as never);
    return image;
  }
}

const risk = (decision: 'approve' | 'review' | 'reject', assessedAt: string) => ({
  score: decision === 'approve' ? 10 : 70,
  decision,
  reasons: decision === 'approve' ? [] : ['velocity_customer'],
  assessedAt,
});

describe('timelineOf', () => {
  it('gives the events of a failover, a success, a later assessment and a refund, as published', () => {
    // Prepare
    const s = new Stream();
    let p: TimelinePaymentItem = s.write(paymentItem({ routing }));
    p = s.write({
      ...p,
      channel: 'stripe',
      attempts: [{ channel: 'sandbox', outcome: 'unavailable', at: at(1) }],
      updatedAt: at(1),
    });
    p = s.write({
      ...p,
      status: 'succeeded',
      channelReference: 'pi_1',
      attempts: [...(p.attempts ?? []), { channel: 'stripe', outcome: 'succeeded', at: at(2) }],
      updatedAt: at(2),
      outcomeAt: at(2),
    });
    p = s.write({ ...p, risk: risk('approve', at(3)), updatedAt: at(3) });
    let r: RefundItem = s.write(
      refundItem({ channel: 'stripe', paymentChannelReference: 'pi_1', createdAt: at(4), updatedAt: at(4) }),
    );
    p = s.write({ ...p, amountRefunded: 500, refundableRemaining: 550, updatedAt: at(4) });
    r = s.write({ ...r, status: 'succeeded', channelReference: 're_1', updatedAt: at(6), outcomeAt: at(6) });

    // Act
    const timeline = timelineOf(p, [r]);

    // Assess
    assert.deepEqual(
      timeline.map((e) => e.detailType),
      ['PaymentCreated', 'PaymentSucceeded', 'RiskAssessed', 'RefundCreated', 'RefundSucceeded'],
    );
    assert.deepEqual(timeline, s.published);
  });

  it('puts an assessment made before the outcome before it, and carries it in the outcome', () => {
    const s = new Stream();
    let p: TimelinePaymentItem = s.write(paymentItem({ routing }));
    p = s.write({ ...p, risk: risk('approve', at(1)), updatedAt: at(1) });
    p = s.write({
      ...p,
      status: 'failed',
      failureCode: 'declined',
      channelReference: 'ch_1',
      attempts: [{ channel: 'sandbox', outcome: 'failed', at: at(2) }],
      updatedAt: at(2),
    });
    assert.deepEqual(timelineOf(p, []), s.published);
    assert.deepEqual(
      s.published.map((e) => e.detailType),
      ['PaymentCreated', 'RiskAssessed', 'PaymentFailed'],
    );
  });

  it('gives a rejection that cancels in the same write as one change: RiskAssessed after PaymentCanceled', () => {
    const s = new Stream();
    let p: TimelinePaymentItem = s.write(paymentItem({ routing }));
    p = s.write({
      ...p,
      status: 'canceled',
      risk: risk('reject', at(1)),
      reviewStatus: 'rejected',
      updatedAt: at(1),
    });
    assert.deepEqual(timelineOf(p, []), s.published);
    assert.deepEqual(
      s.published.map((e) => e.detailType),
      ['PaymentCreated', 'PaymentCanceled', 'RiskAssessed'],
    );
  });

  it('dates a cancel by an ops review at the review, after the assessment that held it', () => {
    const s = new Stream();
    let p: TimelinePaymentItem = s.write(paymentItem({ routing }));
    p = s.write({ ...p, risk: risk('review', at(1)), reviewStatus: 'held', updatedAt: at(1) });
    p = s.write({ ...p, status: 'canceled', reviewStatus: 'rejected', reviewedAt: at(9), updatedAt: at(9) });
    assert.deepEqual(timelineOf(p, []), s.published);
    assert.equal(s.published.at(-1)?.detail.occurredAt, at(9));
  });

  it('gives a payment no channel would take PaymentCreated and PaymentFailed at its creation', () => {
    const s = new Stream();
    const { channel: _none, ...rest } = paymentItem({
      routing: { ...routing, chosen: null, reason: 'no healthy candidate' },
      status: 'failed',
      failureCode: 'channel_unavailable',
    });
    const p = s.write(rest as TimelinePaymentItem);
    assert.deepEqual(timelineOf(p, []), s.published);
    assert.deepEqual(
      s.published.map((e) => e.detailType),
      ['PaymentCreated', 'PaymentFailed'],
    );
  });

  it('gives a refund the dispatcher failed RefundCreated then RefundFailed', () => {
    const s = new Stream();
    let p: TimelinePaymentItem = s.write(paymentItem());
    p = s.write({
      ...p,
      status: 'succeeded',
      channelReference: 'sb_1',
      attempts: [{ channel: 'sandbox', outcome: 'succeeded', at: at(1) }],
      updatedAt: at(1),
    });
    let r: RefundItem = s.write(
      refundItem({ paymentChannelReference: 'sb_1', createdAt: at(2), updatedAt: at(2) }),
    );
    r = s.write({ ...r, status: 'failed', updatedAt: at(3) });
    assert.deepEqual(timelineOf(p, [r]), s.published);
  });
});
