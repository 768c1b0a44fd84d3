import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exponentFor, formatMoney, formatRate, majorUnits } from '../../../console/src/money.js';

describe('console money', () => {
  it('shows dollars with their sign and two decimals', () => {
    assert.equal(formatMoney(1050, 'USD'), '$10.50');
    assert.equal(formatMoney(5, 'USD'), '$0.05');
    assert.equal(formatMoney(123456789, 'usd'), '$1,234,567.89');
    assert.equal(formatMoney(-1050, 'USD'), '-$10.50');
  });

  it('shows a zero-decimal currency (JPY) without decimals, and others by their exponent', () => {
    assert.equal(formatMoney(1050, 'JPY'), '1,050 JPY');
    assert.equal(formatMoney(7, 'JPY'), '7 JPY');
    assert.equal(formatMoney(1050, 'EUR'), '10.50 EUR');
    assert.equal(formatMoney(1050, 'KWD'), '1.050 KWD');
    assert.equal(formatMoney(0, 'CNY'), '0.00 CNY');
  });

  it('splits minor units with integer arithmetic only', () => {
    assert.equal(majorUnits(999_999_999_999, 2), '9,999,999,999.99');
    assert.equal(majorUnits(1, 3), '0.001');
    assert.equal(majorUnits(1000, 0), '1,000');
  });

  it('takes two decimals for a currency it does not know', () => {
    assert.equal(exponentFor('XYZ'), 2);
    assert.equal(exponentFor('JPY'), 0);
  });

  it('shows rates as percentages, and no rate as a dash', () => {
    assert.equal(formatRate(0.9734), '97.3%');
    assert.equal(formatRate(1), '100.0%');
    assert.equal(formatRate(null), '—');
    assert.equal(formatRate(Number.NaN), '—');
  });
});
