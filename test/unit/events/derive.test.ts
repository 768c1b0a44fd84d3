import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { PAYMENT_STATUSES } from '../../../shared/domain/payment.js';
import { REFUND_STATUSES } from '../../../shared/domain/refund.js';
import { eventsFromChange } from '../../../shared/events/derive.js';
import { eventIdOf } from '../../../shared/events/event-id.js';
import { eventDetailSchemas, STREAM_DETAIL_TYPES } from '../../../shared/schemas/events.js';
import { discrepancyItem, paymentItem, refundItem, runItem, T0, T1 } from '../../support/event-samples.js';

const image = (item: object) => item as unknown as Record<string, unknown>;
const types = (events: { detailType: string }[]) => events.map((e) => e.detailType);
const risk = { score: 80, decision: 'review' as const, reasons: ['velocity_customer'], assessedAt: T1 };

describe('eventsFromChange', () => {
  it('announces a new payment with PaymentCreated carrying the contract payment object', () => {
    // Prepare
    const item = paymentItem();
    // Act
    const events = eventsFromChange({ eventName: 'INSERT', newImage: image(item) });
    // Assess
    assert.deepEqual(types(events), ['PaymentCreated']);
    const [created] = events;
    assert.deepEqual(created?.detail, {
      eventId: eventIdOf('PaymentCreated', item.id),
      occurredAt: T0,
      merchantId: 'm_demo_1',
      version: 1,
      data: {
        payment: {
          id: item.id,
          object: 'payment',
          merchantId: 'm_demo_1',
          amount: 1050,
          currency: 'USD',
          status: 'processing',
          channel: 'sandbox',
          channelReference: null,
          routing: {
            strategy: 'pinned',
            rule: null,
            candidates: ['sandbox'],
            chosen: 'sandbox',
            reason: 'created before routing',
            attempts: [{ channel: 'sandbox', outcome: 'pending', at: T0 }],
          },
          failureCode: null,
          amountRefunded: 0,
          description: null,
          customer: item.customer,
          metadata: { order: '42' },
          createdAt: T0,
          updatedAt: T0,
        },
      },
    });
    // No storage attributes leak into the event.
    assert.ok(!JSON.stringify(created).includes('requestFingerprint'));
  });

  it('announces a payment stored failed at create (no healthy channel) with PaymentCreated then PaymentFailed', () => {
    // Prepare: what the create stores when routing finds no channel (no `channel` attribute)
    const { channel: _none, ...item } = paymentItem({
      status: 'failed',
      failureCode: 'channel_unavailable',
      routing: {
        strategy: 'priority',
        rule: 'cny',
        candidates: [],
        chosen: null,
        reason: 'rule "cny", priority: no healthy channel; skipped alipay (daily quota reached)',
      },
    });
    // Act
    const events = eventsFromChange({
      eventName: 'INSERT',
      newImage: image(item as typeof item & { channel: 'sandbox' }),
    });
    // Assess
    assert.deepEqual(types(events), ['PaymentCreated', 'PaymentFailed']);
    for (const event of events) {
      const payment = (event.detail.data as { payment: Record<string, unknown> }).payment;
      assert.equal(payment.status, 'failed');
      assert.equal(payment.channel, null);
      assert.equal(payment.failureCode, 'channel_unavailable');
      assert.deepEqual(payment.routing, { ...item.routing, attempts: [] });
    }
  });

  for (const [status, detailType] of [
    ['succeeded', 'PaymentSucceeded'],
    ['failed', 'PaymentFailed'],
    ['canceled', 'PaymentCanceled'],
  ] as const) {
    it(`announces a payment that became ${status} with ${detailType}, dated by its update`, () => {
      const before = paymentItem();
      const after = paymentItem({ status, channelReference: 'sbx_1', updatedAt: T1 });
      const events = eventsFromChange({
        eventName: 'MODIFY',
        oldImage: image(before),
        newImage: image(after),
      });
      assert.deepEqual(types(events), [detailType]);
      assert.equal(events[0]?.detail.occurredAt, T1);
      assert.equal(events[0]?.detail.eventId, eventIdOf(detailType, after.id));
    });
  }

  it('announces the first risk assessment of a payment with RiskAssessed', () => {
    const before = paymentItem({ status: 'succeeded' });
    const after = paymentItem({ status: 'succeeded', risk, updatedAt: T1 });
    const events = eventsFromChange({ eventName: 'MODIFY', oldImage: image(before), newImage: image(after) });
    assert.deepEqual(types(events), ['RiskAssessed']);
    assert.deepEqual(events[0]?.detail.data, { paymentId: after.id, risk });
  });

  it('announces a status change and a risk assessment committed together, status first', () => {
    const before = paymentItem();
    const after = paymentItem({ status: 'canceled', risk: { ...risk, decision: 'reject' }, updatedAt: T1 });
    const events = eventsFromChange({ eventName: 'MODIFY', oldImage: image(before), newImage: image(after) });
    assert.deepEqual(types(events), ['PaymentCanceled', 'RiskAssessed']);
  });

  it('announces nothing when a payment changes without a transition (a refund moving amountRefunded)', () => {
    const before = paymentItem({ status: 'succeeded', risk });
    const after = paymentItem({
      status: 'succeeded',
      risk,
      amountRefunded: 500,
      refundableRemaining: 550,
      updatedAt: T1,
    });
    assert.deepEqual(
      eventsFromChange({ eventName: 'MODIFY', oldImage: image(before), newImage: image(after) }),
      [],
    );
  });

  it('announces new refunds and their outcomes with the channel and its reference', () => {
    const pending = refundItem();
    const succeeded = refundItem({ status: 'succeeded', channelReference: 'sbx_r1', updatedAt: T1 });
    const created = eventsFromChange({ eventName: 'INSERT', newImage: image(pending) });
    const outcome = eventsFromChange({
      eventName: 'MODIFY',
      oldImage: image(pending),
      newImage: image(succeeded),
    });
    assert.deepEqual(types(created), ['RefundCreated']);
    assert.deepEqual(types(outcome), ['RefundSucceeded']);
    assert.deepEqual(outcome[0]?.detail.data, {
      refund: {
        id: pending.id,
        object: 'refund',
        paymentId: pending.paymentId,
        amount: 500,
        currency: 'USD',
        status: 'succeeded',
        reason: null,
        createdAt: T0,
      },
      paymentId: pending.paymentId,
      channel: 'sandbox',
      channelReference: 'sbx_r1',
    });
    const failed = refundItem({ status: 'failed', updatedAt: T1 });
    assert.deepEqual(
      types(eventsFromChange({ eventName: 'MODIFY', oldImage: image(pending), newImage: image(failed) })),
      ['RefundFailed'],
    );
  });

  it('ignores other items, removals and records without a new image', () => {
    const apiKey = { PK: 'KEY#x', SK: 'KEY', entity: 'apiKey', merchantId: 'm_demo_1' };
    const request = { PK: 'OBJ#x', SK: 'OBJ', entity: 'refundRequest', refundId: 're_x' };
    assert.deepEqual(eventsFromChange({ eventName: 'INSERT', newImage: apiKey }), []);
    assert.deepEqual(eventsFromChange({ eventName: 'INSERT', newImage: request }), []);
    assert.deepEqual(eventsFromChange({ eventName: 'REMOVE', oldImage: image(paymentItem()) }), []);
    assert.deepEqual(eventsFromChange({ eventName: 'MODIFY', oldImage: image(paymentItem()) }), []);
  });

  it('gives each event an id of evt_ and 26 base32 characters, fixed by detail-type and object', () => {
    const id = eventIdOf('PaymentCreated', 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.match(id, /^evt_[a-z2-7]{26}$/);
    assert.equal(id, eventIdOf('PaymentCreated', 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa'));
    assert.notEqual(id, eventIdOf('PaymentSucceeded', 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa'));
    assert.notEqual(id, eventIdOf('PaymentCreated', 'pay_bbbbbbbbbbbbbbbbbbbbbbbbbb'));
  });
});

describe('eventsFromChange, for any payment or refund history', () => {
  const slot = fc.stringMatching(/^[a-z2-7]{26}$/);
  const timestamp = fc
    .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) })
    .map((ms) => new Date(ms).toISOString());
  const paymentArb = fc.record({
    slot,
    amount: fc.integer({ min: 1, max: 1_000_000_000 }),
    currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    createdAt: timestamp,
    description: fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
  });
  const paymentStatus = fc.constantFrom(...PAYMENT_STATUSES);
  const refundStatus = fc.constantFrom(...REFUND_STATUSES);

  it('derives only valid, schema-conforming events, the same ones every time', () => {
    fc.assert(
      fc.property(
        paymentArb,
        fc.option(paymentStatus, { nil: undefined }),
        paymentStatus,
        fc.boolean(),
        fc.boolean(),
        (p, fromStatus, toStatus, riskBefore, riskAfter) => {
          const base = {
            id: `pay_${p.slot}`,
            amount: p.amount,
            currency: p.currency,
            refundableRemaining: p.amount,
            createdAt: p.createdAt,
            updatedAt: p.createdAt,
            description: p.description,
          };
          const before = fromStatus
            ? paymentItem({ ...base, status: fromStatus, ...(riskBefore ? { risk } : {}) })
            : undefined;
          const after = paymentItem({ ...base, status: toStatus, ...(riskAfter ? { risk } : {}) });
          const change = {
            eventName: before ? 'MODIFY' : 'INSERT',
            ...(before ? { oldImage: image(before) } : {}),
            newImage: image(after),
          };
          const events = eventsFromChange(change);
          // Deterministic: a retried stream record republishes exactly the same events.
          assert.deepEqual(eventsFromChange(change), events);
          // One event per detail-type at most, each valid against its schema.
          assert.equal(new Set(types(events)).size, events.length);
          for (const e of events) {
            assert.ok((STREAM_DETAIL_TYPES as readonly string[]).includes(e.detailType));
            z.parse(eventDetailSchemas[e.detailType], e.detail);
            assert.equal(e.detail.eventId, eventIdOf(e.detailType, after.id));
          }
          // Nothing happened, nothing announced.
          if (before && fromStatus === toStatus && riskBefore === riskAfter) assert.deepEqual(events, []);
          if (!before) assert.equal(events[0]?.detailType, 'PaymentCreated');
        },
      ),
    );
  });

  it('announces a refund status change exactly when it reaches a final status', () => {
    fc.assert(
      fc.property(refundStatus, refundStatus, (from, to) => {
        const before = refundItem({ status: from });
        const after = refundItem({ status: to, updatedAt: T1 });
        const events = eventsFromChange({
          eventName: 'MODIFY',
          oldImage: image(before),
          newImage: image(after),
        });
        const expected =
          from === to || to === 'pending' ? [] : [to === 'succeeded' ? 'RefundSucceeded' : 'RefundFailed'];
        assert.deepEqual(types(events), expected);
        for (const e of events) z.parse(eventDetailSchemas[e.detailType], e.detail);
      }),
    );
  });
});

describe('reconciliation events', () => {
  it('announces a new discrepancy once: a rerun overwriting it (MODIFY) announces nothing', () => {
    const item = discrepancyItem();
    const [found, ...rest] = eventsFromChange({ eventName: 'INSERT', newImage: image(item) });
    assert.equal(rest.length, 0);
    assert.equal(found?.detailType, 'DiscrepancyFound');
    assert.equal(found?.detail.eventId, eventIdOf('DiscrepancyFound', item.id));
    assert.equal(found?.detail.merchantId, 'm_demo_1');
    z.parse(eventDetailSchemas.DiscrepancyFound, found?.detail);
    const rerun = eventsFromChange({
      eventName: 'MODIFY',
      oldImage: image(item),
      newImage: image({ ...item, runId: 'rcr_eeeeeeeeeeeeeeeeeeeeeeeeee' }),
    });
    assert.deepEqual(rerun, []);
  });

  it('names no merchant for a row we hold nothing for', () => {
    const [found] = eventsFromChange({
      eventName: 'INSERT',
      newImage: image(discrepancyItem({ merchantId: null, reference: null })),
    });
    assert.equal(found?.detail.merchantId, 'unknown');
  });

  it('announces a new reconciliation run for its consumer, and not its completion', () => {
    const run = runItem();
    const [started] = eventsFromChange({ eventName: 'INSERT', newImage: image(run) });
    assert.equal(started?.detailType, 'ReconciliationRunStarted');
    assert.deepEqual(started?.detail.data, { run: { id: run.id, channel: 'sandbox', date: '2026-02-28' } });
    assert.deepEqual(
      eventsFromChange({
        eventName: 'MODIFY',
        oldImage: image(run),
        newImage: image({ ...run, status: 'completed' }),
      }),
      [],
    );
  });
});

describe('payment events published before routing', () => {
  it('still parse: routing and failureCode may be absent from an archived or queued detail', () => {
    // Prepare: today's PaymentCreated detail without the fields routing added
    const [created] = eventsFromChange({ eventName: 'INSERT', newImage: image(paymentItem()) });
    assert.ok(created);
    const payment = (created.detail.data as { payment: Record<string, unknown> }).payment;
    const { routing: _r, failureCode: _f, ...before } = payment;
    const detail = { ...created.detail, data: { payment: before } };
    // Act & Assess
    assert.doesNotThrow(() => z.parse(eventDetailSchemas.PaymentCreated, detail));
    assert.throws(() =>
      z.parse(eventDetailSchemas.PaymentCreated, {
        ...detail,
        data: { payment: { ...before, routing: {} } },
      }),
    );
  });
});
