import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  canTransitionRefund,
  planRefund,
  refundedDelta,
  remainingRefundable,
} from '../../../shared/domain/refund.js';

describe('refund arithmetic', () => {
  it('refunds all that remains when no amount is given', () => {
    assert.deepEqual(planRefund({ status: 'succeeded', amount: 1000, amountRefunded: 300 }), {
      kind: 'ok',
      amount: 700,
    });
  });

  it('refuses a refund of a payment that has not succeeded', () => {
    for (const status of ['processing', 'failed', 'canceled'] as const) {
      assert.deepEqual(planRefund({ status, amount: 1000, amountRefunded: 0 }, 10), {
        kind: 'not_refundable',
        status,
      });
    }
  });

  it('refuses a refund above the remaining amount', () => {
    assert.deepEqual(planRefund({ status: 'succeeded', amount: 1000, amountRefunded: 900 }, 101), {
      kind: 'exceeds_remaining',
      requested: 101,
      remaining: 100,
    });
  });

  it('refuses to refund a fully refunded payment again', () => {
    assert.equal(
      planRefund({ status: 'succeeded', amount: 1000, amountRefunded: 1000 }).kind,
      'exceeds_remaining',
    );
  });

  it('never lets accepted refunds sum above the payment amount, whatever the sequence of requests', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }), { maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 30 }),
        (amount, requests, failures) => {
          let amountRefunded = 0;
          const accepted: number[] = [];
          requests.forEach((requested, i) => {
            const plan = planRefund({ status: 'succeeded', amount, amountRefunded }, requested);
            if (plan.kind !== 'ok') return;
            amountRefunded += plan.amount;
            // Some refunds fail at the channel and release their amount.
            if (failures[i]) amountRefunded += refundedDelta('failed', plan.amount);
            else accepted.push(plan.amount);
          });
          const sum = accepted.reduce((s, a) => s + a, 0);
          assert.equal(sum, amountRefunded);
          assert.ok(sum <= amount);
          assert.equal(remainingRefundable({ status: 'succeeded', amount, amountRefunded }), amount - sum);
        },
      ),
    );
  });

  it('moves a refund only from pending to a final state', () => {
    assert.equal(canTransitionRefund('pending', 'succeeded'), true);
    assert.equal(canTransitionRefund('pending', 'failed'), true);
    assert.equal(canTransitionRefund('succeeded', 'failed'), false);
    assert.equal(canTransitionRefund('failed', 'succeeded'), false);
  });
});
