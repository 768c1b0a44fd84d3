/**
 * The onboarding state machine under every sequence of commands (fast-check): only the contract's
 * transitions ever happen, a refused command changes nothing, a rejected merchant stays rejected, and an
 * active merchant is the only one whose keys work or that is issued keys.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MerchantStateError } from '../../../../shared/domain/merchants/errors.js';
import {
  canIssueKeys,
  decide,
  initialState,
  keyAccess,
  MERCHANT_STATUSES,
  type MerchantCommand,
  type MerchantState,
  RISK_RATINGS,
} from '../../../../shared/domain/merchants/onboarding.js';

/** The contract's table of legal transitions, written independently of the code under test. */
const LEGAL = new Set([
  'pending_review>approve>active',
  'pending_review>reject>rejected',
  'active>suspend>suspended',
  'suspended>reinstate>active',
]);

type Step = MerchantCommand | { readonly kind: 'issue_key' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('approve' as const),
    riskRating: fc.option(fc.constantFrom(...RISK_RATINGS), { nil: undefined }),
  }),
  fc.constant({ kind: 'reject' as const }),
  fc.constant({ kind: 'suspend' as const }),
  fc.constant({ kind: 'reinstate' as const }),
  fc.constant({ kind: 'issue_key' as const }),
);

describe('merchant onboarding state machine (property)', () => {
  it('keeps only legal transitions, and only an active merchant has working keys', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        let state: MerchantState = initialState();
        /** Keys issued so far: they work exactly while the merchant is active. */
        let keys = 0;
        let applied = 0;
        let everApproved = false;
        for (const step of steps) {
          if (step.kind === 'issue_key') {
            if (canIssueKeys(state.status)) keys += 1;
            else assert.notEqual(state.status, 'active');
          } else {
            const before = state;
            try {
              const decision = decide(state, step);
              state = decision.next;
              applied += 1;
              assert.ok(
                LEGAL.has(`${before.status}>${step.kind}>${state.status}`),
                `${before.status} -${step.kind}-> ${state.status}`,
              );
              assert.equal(state.version, before.version + 1);
              if (step.kind === 'approve') {
                everApproved = true;
                assert.equal(state.riskRating, step.riskRating ?? 'medium');
              } else assert.equal(state.riskRating, before.riskRating);
            } catch (error) {
              assert.ok(error instanceof MerchantStateError);
              assert.equal(error.code, 'merchant_state_conflict');
              // Refused: nothing changed, and it was refused because it is not legal from here.
              assert.equal(state, before);
              for (const to of MERCHANT_STATUSES)
                assert.ok(!LEGAL.has(`${before.status}>${step.kind}>${to}`));
            }
          }
          assert.equal(state.version, 1 + applied);
          assert.equal(state.riskRating !== null, everApproved);
          // Keys work only for an active merchant; a suspended one is told so; the others have none.
          const access = keyAccess(state.status);
          assert.equal(access === 'allowed', state.status === 'active');
          assert.equal(access === 'merchant_suspended', state.status === 'suspended');
          if (state.status === 'pending_review' || state.status === 'rejected') assert.equal(keys, 0);
          assert.equal(canIssueKeys(state.status), state.status === 'active');
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('never leaves rejected', () => {
    fc.assert(
      fc.property(
        fc.array(
          stepArb.filter((s) => s.kind !== 'issue_key'),
          { maxLength: 20 },
        ),
        (steps) => {
          const state = decide(initialState(), { kind: 'reject' }).next;
          for (const step of steps) {
            assert.throws(() => decide(state, step as MerchantCommand), MerchantStateError);
          }
          assert.equal(state.status, 'rejected');
        },
      ),
    );
  });
});

describe('merchant onboarding state machine', () => {
  it('approves with the medium rating when none is named, and announces MerchantOnboarded', () => {
    const { next, event } = decide(initialState(), { kind: 'approve' });
    assert.deepEqual(next, { status: 'active', version: 2, riskRating: 'medium' });
    assert.equal(event, 'MerchantOnboarded');
  });

  it('refuses a second review with 409 merchant_state_conflict', () => {
    const approved = decide(initialState(), { kind: 'approve', riskRating: 'low' }).next;
    assert.throws(
      () => decide(approved, { kind: 'reject' }),
      /The merchant is active: reject needs a merchant that is pending_review/,
    );
  });
});
