import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type HeldRefund, refundAmountFromCumulative } from '../../../shared/domain/cumulative-refund.js';

describe('refund amount from a cumulative notify', () => {
  it('confirms each of two partial refunds, whichever notify arrives first', () => {
    // Prepare: 300 then 200 refunded on a 1000 trade; Alipay says 300, then 500.
    const pending: HeldRefund[] = [
      { id: 're_a', amount: 300, status: 'pending' },
      { id: 're_b', amount: 200, status: 'pending' },
    ];
    // Act / Assess: in order
    assert.equal(refundAmountFromCumulative('re_a', 300, pending), 300);
    const afterA: HeldRefund[] = [
      { ...pending[0], status: 'succeeded' } as HeldRefund,
      pending[1] as HeldRefund,
    ];
    assert.equal(refundAmountFromCumulative('re_b', 500, afterA), 200);
    // Out of order: B's notify (500) before A's (300) is applied
    assert.equal(refundAmountFromCumulative('re_b', 500, pending), 200);
    const afterB: HeldRefund[] = [
      pending[0] as HeldRefund,
      { ...pending[1], status: 'succeeded' } as HeldRefund,
    ];
    assert.equal(refundAmountFromCumulative('re_a', 300, afterB), 300);
  });

  it('confirms a redelivered notify the same amount, so it reads as a duplicate', () => {
    const done: HeldRefund[] = [
      { id: 're_a', amount: 300, status: 'succeeded' },
      { id: 're_b', amount: 200, status: 'succeeded' },
    ];
    assert.equal(refundAmountFromCumulative('re_a', 300, done), 300);
    assert.equal(refundAmountFromCumulative('re_b', 500, done), 200);
  });

  it('gives a disagreeing amount when no set of our refunds makes the cumulative figure', () => {
    const held: HeldRefund[] = [
      { id: 're_a', amount: 300, status: 'succeeded' },
      { id: 're_b', amount: 200, status: 'pending' },
      { id: 're_c', amount: 100, status: 'failed' },
    ];
    // 450: no refunds of ours sum to it with B's 200.
    assert.equal(refundAmountFromCumulative('re_b', 450, held), 150);
    // 600 counts the failed refund: not a figure Alipay can send.
    assert.equal(refundAmountFromCumulative('re_b', 600, held), 300);
    assert.equal(refundAmountFromCumulative('re_zzz', 600, held), 600);
  });

  it('confirms the refund own amount exactly when some of the other live refunds make up the rest', () => {
    const refunds = fc
      .array(
        fc.record({
          amount: fc.integer({ min: 1, max: 50 }),
          status: fc.constantFrom<'pending' | 'succeeded' | 'failed'>('pending', 'succeeded', 'failed'),
        }),
        { minLength: 1, maxLength: 6 },
      )
      .map((rs) => rs.map((r, i) => ({ ...r, id: `re_${i}` })));
    fc.assert(
      fc.property(refunds, fc.nat(300), fc.nat(5), (held, cumulative, pick) => {
        const own = held[pick % held.length] as HeldRefund;
        const others = held.filter((r) => r.id !== own.id && r.status !== 'failed');
        // Every subset, by brute force.
        let possible = false;
        for (let mask = 0; mask < 1 << others.length; mask++) {
          const sum = others.reduce((s, r, i) => s + (mask & (1 << i) ? r.amount : 0), 0);
          if (sum + own.amount === cumulative) possible = true;
        }
        const got = refundAmountFromCumulative(own.id, cumulative, held);
        const succeeded = others.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0);
        assert.equal(got, possible ? own.amount : cumulative - succeeded);
      }),
    );
  });
});
