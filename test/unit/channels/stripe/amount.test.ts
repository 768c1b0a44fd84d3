import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AmountFormatError } from '../../../../shared/channels/amounts.js';
import { fromStripeAmount, toStripeAmount } from '../../../../shared/channels/stripe/amount.js';
import { CURRENCY_EXPONENTS } from '../../../../shared/domain/money.js';

describe("Stripe's amount units", () => {
  it('sends two-decimal and zero-decimal currencies as they are', () => {
    assert.equal(toStripeAmount(1050, 'USD'), 1050);
    assert.equal(toStripeAmount(1050, 'JPY'), 1050);
    assert.equal(toStripeAmount(1050, 'KRW'), 1050);
    assert.equal(toStripeAmount(1050, 'CNY'), 1050);
  });

  it('sends ISK and UGX as two-decimal values ending in 00', () => {
    assert.equal(toStripeAmount(5, 'ISK'), 500);
    assert.equal(fromStripeAmount(500, 'ISK'), 5);
    assert.equal(toStripeAmount(7, 'UGX'), 700);
    assert.throws(() => fromStripeAmount(550, 'ISK'), AmountFormatError);
  });

  it('sends MGA in whole ariary and refuses a fraction of one', () => {
    assert.equal(toStripeAmount(1200, 'MGA'), 12);
    assert.equal(fromStripeAmount(12, 'MGA'), 1200);
    assert.throws(() => toStripeAmount(1250, 'MGA'), AmountFormatError);
  });

  it('refuses a three-decimal amount whose last digit Stripe cannot carry', () => {
    assert.equal(toStripeAmount(1230, 'KWD'), 1230);
    assert.throws(() => toStripeAmount(1234, 'KWD'), AmountFormatError);
  });

  it('round-trips every amount Stripe can carry, in every currency', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(CURRENCY_EXPONENTS)),
        fc.integer({ min: 0, max: 10 ** 11 }),
        (currency, raw) => {
          // Prepare: amounts Stripe can represent in every currency
          const amount = raw * 100;
          // Act
          const sent = toStripeAmount(amount, currency);
          // Assess
          assert.ok(Number.isSafeInteger(sent));
          assert.equal(fromStripeAmount(sent, currency), amount);
        },
      ),
    );
  });

  it('refuses an unknown currency', () => {
    assert.throws(() => toStripeAmount(100, 'USX'), /unknown currency/);
  });
});
