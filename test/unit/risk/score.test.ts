import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  assess,
  decide,
  RISK_REASONS,
  type RiskSignals,
  type ScoredPayment,
} from '../../../shared/domain/risk/score.js';
import { DEFAULT_RISK_PROFILE, type RiskProfile } from '../../../shared/schemas/risk-profile.js';

const profile: RiskProfile = DEFAULT_RISK_PROFILE;
const payment: ScoredPayment = {
  amount: 5_000,
  currency: 'USD',
  customer: { id: 'cus_1', email: 'ada@example.com', ip: '203.0.113.9', country: 'GB' },
};
const quiet: RiskSignals = {
  customerCount: 1,
  emailCount: 1,
  ipCount: 1,
  history: { count: 3, sameCurrencyCount: 3, sameCurrencySum: 15_000 },
  ipCountry: 'GB',
};

describe('risk score', () => {
  it('approves a known customer paying as usual with score 0', () => {
    // Act
    const a = assess(profile, payment, quiet);
    // Assess
    assert.deepEqual(a, { score: 0, decision: 'approve', reasons: [] });
  });

  it('fires each velocity rule above the threshold, not at it', () => {
    const at = assess(profile, payment, { ...quiet, customerCount: 5, emailCount: 5, ipCount: 5 });
    assert.deepEqual(at.reasons, []);
    const above = assess(profile, payment, { ...quiet, customerCount: 6, emailCount: 6, ipCount: 6 });
    assert.deepEqual(above.reasons, ['customer_velocity', 'email_velocity', 'ip_velocity']);
    assert.equal(above.score, 25 + 20 + 20);
    assert.equal(above.decision, 'review');
  });

  it('flags an amount above factor × the customer average in the same currency', () => {
    // average 5,000; factor 5 → fires above 25,000
    assert.deepEqual(assess(profile, { ...payment, amount: 25_000 }, quiet).reasons, []);
    assert.deepEqual(assess(profile, { ...payment, amount: 25_001 }, quiet).reasons, ['amount_vs_history']);
  });

  it('flags a new customer at or above the high amount of the currency', () => {
    const fresh = { ...quiet, history: { count: 0, sameCurrencyCount: 0, sameCurrencySum: 0 } };
    assert.deepEqual(assess(profile, { ...payment, amount: 99_999 }, fresh).reasons, []);
    assert.deepEqual(assess(profile, { ...payment, amount: 100_000 }, fresh).reasons, [
      'new_customer_high_amount',
    ]);
    // No customer id: no history, treated as new.
    const anonymous = { ...quiet, history: undefined };
    assert.deepEqual(assess(profile, { ...payment, amount: 100_000 }, anonymous).reasons, [
      'new_customer_high_amount',
    ]);
    // A currency without a threshold never fires.
    assert.deepEqual(assess(profile, { ...payment, currency: 'CHF', amount: 10 ** 9 }, fresh).reasons, []);
  });

  it('flags an IP country that differs from the customer country, only when both are known', () => {
    assert.deepEqual(assess(profile, payment, { ...quiet, ipCountry: 'US' }).reasons, [
      'ip_country_mismatch',
    ]);
    assert.deepEqual(assess(profile, payment, { ...quiet, ipCountry: undefined }).reasons, []);
    const noCountry = { ...payment, customer: { id: 'cus_1' } };
    assert.deepEqual(assess(profile, noCountry, { ...quiet, ipCountry: 'US' }).reasons, []);
  });

  it('flags blocklist near-misses of email (case, gmail dots, +tag) and customer id', () => {
    const p = { ...profile, blockedEmails: ['fraud.ster@gmail.com'], blockedCustomers: ['CUS-666'] };
    const withEmail = (email: string) => assess(p, { ...payment, customer: { email } }, quiet).reasons;
    assert.deepEqual(withEmail('Fraudster+shop@GoogleMail.com'), ['blocklist_near_miss']);
    assert.deepEqual(withEmail('f.r.a.u.d.s.t.e.r@gmail.com'), ['blocklist_near_miss']);
    assert.deepEqual(withEmail('fraudster@example.com'), []);
    assert.deepEqual(assess(p, { ...payment, customer: { id: 'cus_666' } }, quiet).reasons, [
      'blocklist_near_miss',
    ]);
    assert.deepEqual(assess(p, { ...payment, customer: { id: 'cus_667' } }, quiet).reasons, []);
  });

  it('takes weights and thresholds from the profile (rules are data)', () => {
    const strict = { ...profile, velocityThreshold: 1, weights: { ...profile.weights, ipVelocity: 90 } };
    const a = assess(strict, payment, { ...quiet, ipCount: 2 });
    assert.deepEqual(a, { score: 90, decision: 'reject', reasons: ['ip_velocity'] });
  });

  it('caps the score at 100', () => {
    const all = assess(
      { ...profile, blockedEmails: ['ADA@example.com'] },
      { ...payment, amount: 1_000_000 },
      {
        customerCount: 99,
        emailCount: 99,
        ipCount: 99,
        history: { count: 0, sameCurrencyCount: 0, sameCurrencySum: 0 },
        ipCountry: 'US',
      },
    );
    assert.equal(all.score, 100);
    assert.equal(all.decision, 'reject');
    assert.deepEqual(
      all.reasons,
      RISK_REASONS.filter((r) => r !== 'amount_vs_history'),
    );
  });
});

const weightArb = fc.integer({ min: 0, max: 100 });
const profileArb = fc
  .record({
    reviewScore: fc.integer({ min: 0, max: 100 }),
    gap: fc.integer({ min: 0, max: 100 }),
    weights: fc.record({
      customerVelocity: weightArb,
      emailVelocity: weightArb,
      ipVelocity: weightArb,
      amountVsHistory: weightArb,
      newCustomerHighAmount: weightArb,
      ipCountryMismatch: weightArb,
      blocklistNearMiss: weightArb,
    }),
    velocityThreshold: fc.integer({ min: 1, max: 20 }),
  })
  .map(({ reviewScore, gap, ...rest }) => ({
    ...profile,
    ...rest,
    reviewScore,
    rejectScore: Math.min(100, reviewScore + gap),
    blockedEmails: ['blocked@gmail.com'],
  }));
const countArb = fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined });
const signalsArb: fc.Arbitrary<RiskSignals> = fc.record({
  customerCount: countArb,
  emailCount: countArb,
  ipCount: countArb,
  history: fc.option(
    fc
      .record({ count: fc.nat(20), same: fc.nat(20), avg: fc.integer({ min: 1, max: 100_000 }) })
      .map(({ count, same, avg }) => ({
        count: count + same,
        sameCurrencyCount: same,
        sameCurrencySum: same * avg,
      })),
    { nil: undefined },
  ),
  ipCountry: fc.option(fc.constantFrom('GB', 'US'), { nil: undefined }),
});
const paymentArb: fc.Arbitrary<ScoredPayment> = fc.record({
  amount: fc.integer({ min: 1, max: 10_000_000 }),
  currency: fc.constantFrom('USD', 'EUR', 'JPY'),
  customer: fc.record({
    id: fc.constantFrom('cus_1', 'cus_2'),
    email: fc.constantFrom('ada@example.com', 'Blocked+x@gmail.com'),
    country: fc.constantFrom('GB', 'US'),
  }),
});

describe('risk score properties', () => {
  it('keeps the score within 0–100', () => {
    fc.assert(
      fc.property(profileArb, paymentArb, signalsArb, (p, pay, s) => {
        const { score } = assess(p, pay, s);
        return Number.isInteger(score) && score >= 0 && score <= 100;
      }),
    );
  });

  it('decides by the thresholds: reject ≥ rejectScore, else review ≥ reviewScore, else approve', () => {
    fc.assert(
      fc.property(profileArb, paymentArb, signalsArb, (p, pay, s) => {
        const { score, decision } = assess(p, pay, s);
        const expected = score >= p.rejectScore ? 'reject' : score >= p.reviewScore ? 'review' : 'approve';
        return decision === expected && decide(p, score) === decision;
      }),
    );
  });

  it('never lowers the score when a signal is added or a velocity count grows', () => {
    fc.assert(
      fc.property(
        profileArb,
        paymentArb,
        signalsArb,
        fc.nat(30),
        fc.constantFrom('customerCount', 'emailCount', 'ipCount'),
        (p, pay, s, extra, dim) => {
          const before = assess(p, pay, s).score;
          const grown = { ...s, [dim]: (s[dim] ?? 0) + extra + 1 };
          const withCountry = { ...s, ipCountry: s.ipCountry ?? 'FR' };
          const blocked = { ...p, blockedCustomers: [...p.blockedCustomers, 'CUS-1', 'CUS-2'] };
          return (
            assess(p, pay, grown).score >= before &&
            assess(p, pay, withCountry).score >= before &&
            assess(blocked, pay, s).score >= before
          );
        },
      ),
    );
  });

  it('lists each reason at most once, in the stable order', () => {
    fc.assert(
      fc.property(profileArb, paymentArb, signalsArb, (p, pay, s) => {
        const { reasons } = assess(p, pay, s);
        const order = reasons.map((r) => RISK_REASONS.indexOf(r));
        return order.every((v, i) => v >= 0 && (i === 0 || v > (order[i - 1] ?? -1)));
      }),
    );
  });
});
