import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BEFORE_REASONS,
  checkBefore,
  counterLimits,
  type PaymentToCheck,
} from '../../../shared/domain/risk/before.js';
import { effectiveProfile, ratingOf, ratingWindowStart } from '../../../shared/domain/risk/rating.js';
import { DEFAULT_RISK_PROFILE, type RiskProfile } from '../../../shared/schemas/risk-profile.js';

const profile = (overrides: Partial<RiskProfile>): RiskProfile => ({ ...DEFAULT_RISK_PROFILE, ...overrides });
const usd = (amount: number, customer?: PaymentToCheck['customer']): PaymentToCheck => ({
  amount,
  currency: 'USD',
  customer: customer ?? null,
});

describe('checkBefore', () => {
  it('passes any payment under the default profile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 12 }),
        fc.constantFrom('USD', 'EUR', 'JPY'),
        (amount, currency) => {
          assert.deepEqual(checkBefore(DEFAULT_RISK_PROFILE, { amount, currency }), { ok: true });
        },
      ),
    );
  });

  it('refuses a blocked customer id, IP and country exactly, and an email whatever its case', () => {
    // Prepare
    const p = profile({
      blockedCustomers: ['cus_bad'],
      blockedEmails: ['Fraud@Example.com'],
      blockedIps: ['203.0.113.9'],
      blockedCountries: ['KP'],
    });
    // Act
    const all = checkBefore(
      p,
      usd(100, { id: 'cus_bad', email: 'fraud@EXAMPLE.com', ip: '203.0.113.9', country: 'KP' }),
    );
    const none = checkBefore(
      p,
      usd(100, { id: 'CUS_BAD', email: 'other@example.com', ip: '203.0.113.10', country: 'KR' }),
    );
    // Assess
    assert.deepEqual(all, {
      ok: false,
      reasons: ['blocked_customer', 'blocked_email', 'blocked_ip', 'blocked_country'],
    });
    assert.deepEqual(none, { ok: true });
  });

  it('refuses a single payment above the limit of its currency, and only of its currency', () => {
    const p = profile({ singleTransactionLimit: { USD: 500_000 } });
    assert.deepEqual(checkBefore(p, usd(500_000)), { ok: true });
    assert.deepEqual(checkBefore(p, usd(500_001)), { ok: false, reasons: ['single_transaction_limit'] });
    assert.deepEqual(checkBefore(p, { amount: 10 ** 12, currency: 'EUR' }), { ok: true });
  });

  it('refuses a payment that alone exceeds a daily limit, even without counters', () => {
    const p = profile({ dailyAmountLimit: { USD: 1_000 }, customerDailyAmountLimit: { USD: 500 } });
    assert.deepEqual(checkBefore(p, usd(1_001, { id: 'c' })), {
      ok: false,
      reasons: ['daily_amount_limit', 'customer_daily_amount_limit'],
    });
  });

  it('applies customer limits only to payments that name a customer id', () => {
    const p = profile({ customerDailyAmountLimit: { USD: 10 }, customerPaymentsPerMinute: 1 });
    assert.deepEqual(
      checkBefore(p, usd(100, { email: 'a@example.com' }), { customerPaymentsThisMinute: 5 }),
      {
        ok: true,
      },
    );
    assert.deepEqual(counterLimits(p, usd(100, { email: 'a@example.com' })), []);
  });

  it('refuses exactly when what was counted plus this payment exceeds a counted limit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 200 }),
        (limit, counted, amount, perMinute, paymentsThisMinute) => {
          const p = profile({
            dailyAmountLimit: { USD: limit },
            customerDailyAmountLimit: { USD: limit },
            customerPaymentsPerMinute: perMinute,
          });
          const result = checkBefore(p, usd(amount, { id: 'c' }), {
            dailyAmount: counted,
            customerDailyAmount: counted,
            customerPaymentsThisMinute: paymentsThisMinute,
          });
          const expected = [
            ...(counted + amount > limit
              ? (['daily_amount_limit', 'customer_daily_amount_limit'] as const)
              : []),
            ...(paymentsThisMinute + 1 > perMinute ? (['customer_frequency_limit'] as const) : []),
          ];
          assert.deepEqual(result, expected.length === 0 ? { ok: true } : { ok: false, reasons: expected });
        },
      ),
    );
  });

  it('reports reasons without duplicates, in the documented order (property)', () => {
    const customer = fc.record(
      {
        id: fc.constantFrom('c1', 'c2'),
        email: fc.constantFrom('a@x.io', 'B@x.io'),
        ip: fc.constantFrom('10.0.0.1', '10.0.0.2'),
        country: fc.constantFrom('US', 'KP'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), customer, (amount, c) => {
        const p = profile({
          blockedCustomers: ['c1'],
          blockedEmails: ['b@x.io'],
          blockedIps: ['10.0.0.1'],
          blockedCountries: ['KP'],
          singleTransactionLimit: { USD: 5_000 },
          dailyAmountLimit: { USD: 7_000 },
        });
        const result = checkBefore(p, usd(amount, c));
        if (result.ok) return;
        assert.deepEqual(result.reasons, [...new Set(result.reasons)]);
        const order = result.reasons.map((r) => BEFORE_REASONS.indexOf(r));
        assert.deepEqual(
          order,
          [...order].sort((a, b) => a - b),
        );
      }),
    );
  });
});

describe('counterLimits', () => {
  it('lists no counted limit when none is set for the currency or the payment names no customer', () => {
    const p = profile({ dailyAmountLimit: { EUR: 100 }, customerDailyAmountLimit: { USD: 100 } });
    assert.deepEqual(counterLimits(p, usd(10)), []);
    assert.deepEqual(counterLimits(DEFAULT_RISK_PROFILE, usd(10, { id: 'c' })), []);
  });

  it('lists each applicable limit with what the payment adds to it', () => {
    const p = profile({
      dailyAmountLimit: { USD: 100 },
      customerDailyAmountLimit: { USD: 50 },
      customerPaymentsPerMinute: 3,
    });
    assert.deepEqual(counterLimits(p, usd(10, { id: 'c' })), [
      { reason: 'daily_amount_limit', window: 'day', limit: 100, increment: 10, currency: 'USD' },
      {
        reason: 'customer_daily_amount_limit',
        window: 'day',
        limit: 50,
        increment: 10,
        currency: 'USD',
        customerId: 'c',
      },
      { reason: 'customer_frequency_limit', window: 'minute', limit: 3, increment: 1, customerId: 'c' },
    ]);
  });
});

describe('merchant risk rating', () => {
  it('tightens every limit by the profile percentage once reports reach the threshold', () => {
    // Prepare
    const p = profile({
      singleTransactionLimit: { USD: 1_001, JPY: 1 },
      dailyAmountLimit: { USD: 10_000 },
      customerDailyAmountLimit: { EUR: 333 },
      customerPaymentsPerMinute: 5,
      fraudReportThreshold: 3,
      tightenedLimitPercent: 50,
    });
    // Act
    const below = effectiveProfile(p, 2);
    const at = effectiveProfile(p, 3);
    // Assess
    assert.equal(ratingOf(p, 2), 'standard');
    assert.equal(ratingOf(p, 3), 'tightened');
    assert.deepEqual(below, p);
    assert.deepEqual(at.singleTransactionLimit, { USD: 500, JPY: 1 }, 'rounded down, never below 1');
    assert.deepEqual(at.dailyAmountLimit, { USD: 5_000 });
    assert.deepEqual(at.customerDailyAmountLimit, { EUR: 166 });
    assert.equal(at.customerPaymentsPerMinute, 2);
    assert.deepEqual(at.blockedCustomers, p.blockedCustomers);
    assert.equal(at.rejectScore, p.rejectScore);
  });

  it('never loosens a limit, and keeps every limit at least 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 12 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100 }),
        (limit, perMinute, percent) => {
          const p = profile({
            dailyAmountLimit: { USD: limit },
            customerPaymentsPerMinute: perMinute,
            fraudReportThreshold: 1,
            tightenedLimitPercent: percent,
          });
          const e = effectiveProfile(p, 1);
          const tightened = e.dailyAmountLimit.USD ?? 0;
          assert.ok(tightened >= 1 && tightened <= limit, `${tightened} of ${limit}`);
          const freq = e.customerPaymentsPerMinute ?? 0;
          assert.ok(freq >= 1 && freq <= perMinute, `${freq} of ${perMinute}`);
        },
      ),
    );
  });

  it('counts the last 30 UTC days, today included', () => {
    assert.equal(ratingWindowStart(new Date('2026-11-26T23:59:59Z')), '2026-10-28');
  });
});
