import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type BillingPrices,
  billingStatement,
  PAYMENT_ROUTE,
  perThousandAmount,
  requestPriceOf,
} from '../../../../shared/domain/billing/statement.js';

const PRICES: BillingPrices = {
  currency: 'USD',
  perRequest: { '*': 10, 'POST /v1/payments': 50, 'GET /v1/payments': 0 },
  perPayment: 30,
};

describe('billing statement', () => {
  it('prices each route per 1,000 requests, falls back to "*", and bills payments created', () => {
    // Act
    const statement = billingStatement(
      '2026-12',
      [
        { route: 'POST /v1/payments', requests: 2_500, created: 2_000 },
        { route: 'GET /v1/payments/{id}', requests: 1_050, created: 0 },
        { route: 'GET /v1/payments', requests: 7, created: 0 },
        { route: 'POST /v1/payments/{id}/refunds', requests: 0, created: 0 },
      ],
      PRICES,
    );
    // Assess
    assert.deepEqual(statement, {
      month: '2026-12',
      currency: 'USD',
      lines: [
        {
          description: 'API requests: GET /v1/payments (price per 1,000)',
          quantity: 7,
          unitPrice: 0,
          amount: 0,
        },
        {
          description: 'API requests: GET /v1/payments/{id} (price per 1,000)',
          quantity: 1_050,
          unitPrice: 10,
          amount: 11, // 10.5 rounds half up
        },
        {
          description: 'API requests: POST /v1/payments (price per 1,000)',
          quantity: 2_500,
          unitPrice: 50,
          amount: 125,
        },
        { description: 'Payments created', quantity: 2_000, unitPrice: 30, amount: 60_000 },
      ],
      total: 60_136,
    });
  });

  it('is empty and zero without usage or without prices', () => {
    // Act & Assess
    assert.deepEqual(billingStatement('2026-11', [], PRICES).total, 0);
    const free = billingStatement('2026-11', [{ route: PAYMENT_ROUTE, requests: 9, created: 9 }], {
      currency: 'EUR',
      perRequest: {},
      perPayment: 0,
    });
    assert.equal(free.total, 0);
    assert.equal(free.currency, 'EUR');
  });

  it('rounds half up: 499/1000 down, 500/1000 up, exact beyond 2^53 intermediate products', () => {
    // Act & Assess
    assert.equal(perThousandAmount(1, 499), 0);
    assert.equal(perThousandAmount(1, 500), 1);
    assert.equal(perThousandAmount(999, 1), 1);
    assert.equal(perThousandAmount(1_499, 1), 1);
    // 90,000,000,001 × 1,000,000 is past 2^53; its thousandth is not.
    assert.equal(perThousandAmount(90_000_000_001, 1_000_000), 90_000_000_001_000);
    assert.equal(perThousandAmount(90_000_000_001, 999_999), 89_999_910_001_000);
    assert.throws(() => perThousandAmount(Number.MAX_SAFE_INTEGER, 1_000_000), RangeError);
    assert.throws(() => perThousandAmount(-1, 1), RangeError);
    assert.throws(() => perThousandAmount(1.5, 1), RangeError);
  });

  it('total = sum of lines, never negative, each line within half a minor unit of exact', () => {
    const routes = ['POST /v1/payments', 'GET /v1/payments', 'GET /v1/payments/{id}', 'DELETE /v1/x/{id}'];
    const pricesArb = fc.record({
      currency: fc.constantFrom('USD', 'JPY'),
      perRequest: fc.dictionary(fc.constantFrom('*', ...routes), fc.integer({ min: 0, max: 1_000_000 })),
      perPayment: fc.integer({ min: 0, max: 1_000_000 }),
    });
    const usageArb = fc.array(
      fc.record({
        route: fc.constantFrom(...routes),
        requests: fc.integer({ min: 0, max: 1_000_000_000 }),
        created: fc.integer({ min: 0, max: 1_000_000 }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(usageArb, pricesArb, (usage, prices) => {
        // Act
        const statement = billingStatement('2026-12', usage, prices);
        // Assess
        const sum = statement.lines.reduce((s, l) => s + l.amount, 0);
        assert.equal(statement.total, sum);
        assert.ok(statement.total >= 0);
        for (const line of statement.lines) {
          assert.ok(Number.isSafeInteger(line.amount) && line.amount >= 0);
          if (line.description === 'Payments created') {
            assert.equal(line.amount, line.quantity * line.unitPrice);
            continue;
          }
          // |amount − q·p/1000| ≤ 1/2  ⇔  |1000·amount − q·p| ≤ 500, checked in integers.
          const error = 1000n * BigInt(line.amount) - BigInt(line.quantity) * BigInt(line.unitPrice);
          assert.ok(error <= 500n && error > -500n, `${line.description}: ${error}`);
          const route = line.description.slice('API requests: '.length, -' (price per 1,000)'.length);
          assert.equal(line.unitPrice, requestPriceOf(prices, route));
        }
        const requests = usage.reduce((s, u) => s + u.requests, 0);
        const billed = statement.lines.filter((l) => l.description !== 'Payments created');
        assert.equal(
          billed.reduce((s, l) => s + l.quantity, 0),
          requests,
        );
      }),
    );
  });
});
