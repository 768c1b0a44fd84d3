import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  add,
  allocate,
  CURRENCY_EXPONENTS,
  exponentOf,
  format,
  isCurrency,
  MoneyError,
  money,
  subtract,
} from '../../../shared/domain/money.js';

const currency = fc.constantFrom(...Object.keys(CURRENCY_EXPONENTS));
const amount = fc.integer({ min: 0, max: 1_000_000_000_000 });

describe('money', () => {
  it('knows the minor-unit exponent of two-, zero- and three-decimal currencies', () => {
    assert.equal(exponentOf('USD'), 2);
    assert.equal(exponentOf('JPY'), 0);
    assert.equal(exponentOf('KWD'), 3);
    assert.equal(exponentOf('CLF'), 4);
  });

  it('refuses unknown and lower-case currency codes', () => {
    assert.equal(isCurrency('USX'), false);
    assert.equal(isCurrency('usd'), false);
    assert.equal(isCurrency('toString'), false);
    assert.throws(
      () => money(100, 'XXX'),
      (e: unknown) => e instanceof MoneyError && e.code === 'unknown_currency',
    );
  });

  it('refuses fractional, unsafe and negative amounts', () => {
    assert.throws(() => money(10.5, 'USD'), /not an integer/);
    assert.throws(() => money(2 ** 53, 'USD'), /not an integer/);
    assert.throws(() => money(-1, 'USD'), /negative/);
  });

  it('formats amounts with the currency exponent', () => {
    assert.equal(format(money(1050, 'USD')), '10.50 USD');
    assert.equal(format(money(5, 'USD')), '0.05 USD');
    assert.equal(format(money(1050, 'JPY')), '1050 JPY');
    assert.equal(format(money(1, 'KWD')), '0.001 KWD');
  });

  it('never combines two currencies', () => {
    assert.throws(() => add(money(1, 'USD'), money(1, 'EUR')), /cannot combine/);
    assert.throws(() => subtract(money(1, 'USD'), money(1, 'EUR')), /cannot combine/);
  });

  it('adds and subtracts as inverse operations', () => {
    fc.assert(
      fc.property(currency, amount, amount, (c, a, b) => {
        const sum = add(money(a, c), money(b, c));
        assert.deepEqual(subtract(sum, money(b, c)), money(a, c));
      }),
    );
  });

  it('refuses a subtraction that would go below zero', () => {
    fc.assert(
      fc.property(currency, amount, amount, (c, a, b) => {
        fc.pre(b > a);
        assert.throws(() => subtract(money(a, c), money(b, c)), /exceeds/);
      }),
    );
  });

  it('allocates a total into parts that always sum to it, each within one unit of its share', () => {
    fc.assert(
      fc.property(
        currency,
        amount,
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }),
        (c, a, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const parts = allocate(money(a, c), weights);
          const total = weights.reduce((s, w) => s + w, 0);
          assert.equal(
            parts.reduce((s, p) => s + p.amount, 0),
            a,
          );
          parts.forEach((p, i) => {
            const exact = (a * (weights[i] as number)) / total;
            assert.ok(Math.abs(p.amount - exact) < 1 + 1e-6, `part ${i} = ${p.amount}, exact ${exact}`);
            assert.ok(Number.isInteger(p.amount));
          });
        },
      ),
    );
  });
});
