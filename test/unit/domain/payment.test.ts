import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  allowedFrom,
  canTransition,
  decideTransition,
  mismatchedFields,
  PAYMENT_STATUSES,
  type PaymentStatus,
  TERMINAL_PAYMENT_STATUSES,
} from '../../../shared/domain/payment.js';

const status = fc.constantFrom(...PAYMENT_STATUSES);

describe('payment state machine', () => {
  it('moves a processing payment to any terminal state, and nothing else', () => {
    for (const to of TERMINAL_PAYMENT_STATUSES) assert.equal(canTransition('processing', to), true);
    for (const from of TERMINAL_PAYMENT_STATUSES) {
      for (const to of PAYMENT_STATUSES) assert.equal(canTransition(from, to), false, `${from} → ${to}`);
    }
  });

  it('derives the allowed-from statuses used by conditional writes', () => {
    assert.deepEqual(allowedFrom('succeeded'), ['processing']);
    assert.deepEqual(allowedFrom('processing'), []);
  });

  it('treats a repeated notification as already applied, never as a new transition', () => {
    fc.assert(
      fc.property(status, (s) => {
        assert.deepEqual(decideTransition(s, s), { kind: 'already_applied', status: s });
      }),
    );
  });

  it('reaches exactly one terminal state whatever the order of notifications', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<PaymentStatus>('succeeded', 'failed', 'canceled'), { maxLength: 10 }),
        (events) => {
          let current: PaymentStatus = 'processing';
          let applied = 0;
          for (const to of events) {
            const decision = decideTransition(current, to);
            if (decision.kind === 'apply') {
              current = decision.to;
              applied += 1;
            }
          }
          assert.equal(applied, events.length === 0 ? 0 : 1);
          assert.equal(current, events[0] ?? 'processing');
        },
      ),
    );
  });

  it('names the fields on which a channel disagrees with our record', () => {
    assert.deepEqual(
      mismatchedFields({ amount: 100, currency: 'USD' }, { amount: 100, currency: 'USD' }),
      [],
    );
    assert.deepEqual(mismatchedFields({ amount: 100, currency: 'USD' }, { amount: 99, currency: 'EUR' }), [
      'amount',
      'currency',
    ]);
  });
});
