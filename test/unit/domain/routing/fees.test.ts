import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_AMOUNT } from '../../../../shared/domain/money.js';
import {
  CHANNEL_CURRENCIES,
  channelFeeFor,
  feeFor,
  supportsCurrency,
} from '../../../../shared/domain/routing/index.js';

/** The fee in BigInt: round-half-up(amount × bps / 10000) + fixed, the definition itself. */
function reference(amount: number, percentBps: number, fixed: number): number {
  return Number((BigInt(amount) * BigInt(percentBps) + 5000n) / 10000n + BigInt(fixed));
}

describe('channel fees', () => {
  it('takes the percent rounded half up to the minor unit, plus the fixed part', () => {
    const stripe = { percentBps: 290, fixed: 30 };
    assert.equal(feeFor(stripe, 10_000), 320); // $100.00 → $3.20
    assert.equal(feeFor(stripe, 50), 31); // 1.45 → 1
    assert.equal(feeFor({ percentBps: 100, fixed: 0 }, 50), 1); // 0.5 rounds up
    assert.equal(feeFor({ percentBps: 100, fixed: 0 }, 49), 0); // 0.49 rounds down
    assert.equal(feeFor({ percentBps: 360, fixed: 0 }, 1_234), 44); // ¥1,234 at 3.6% = 44.424
  });

  it('is exact for zero-decimal and 2-decimal currencies up to 10^12 minor units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_AMOUNT }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: MAX_AMOUNT }),
        fc.constantFrom('JPY', 'USD'),
        (amount, percentBps, fixed, currency) => {
          // Act
          const fee = channelFeeFor({ [currency]: { percentBps, fixed } }, currency, amount);
          // Assess
          assert.ok(Number.isSafeInteger(fee));
          assert.equal(fee, reference(amount, percentBps, fixed));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('has no fee for a currency the channel prices nothing in', () => {
    assert.equal(channelFeeFor({ USD: { percentBps: 290, fixed: 30 } }, 'JPY', 1000), null);
    assert.equal(channelFeeFor(undefined, 'USD', 1000), null);
  });

  it('refuses a non-integer amount or a malformed fee rather than rounding it', () => {
    assert.throws(() => feeFor({ percentBps: 290, fixed: 30 }, 10.5), RangeError);
    assert.throws(() => feeFor({ percentBps: 10_001, fixed: 0 }, 10), RangeError);
    assert.throws(() => feeFor({ percentBps: 290, fixed: -1 }, 10), RangeError);
  });
});

describe('channel catalogue', () => {
  it('lets stripe and the sandbox take every known currency, alipay and wechatpay only CNY', () => {
    assert.equal(CHANNEL_CURRENCIES.stripe, 'all');
    for (const c of ['USD', 'JPY', 'KWD', 'CNY']) {
      assert.ok(supportsCurrency('stripe', c));
      assert.ok(supportsCurrency('sandbox', c));
    }
    assert.ok(supportsCurrency('alipay', 'CNY'));
    assert.ok(supportsCurrency('wechatpay', 'CNY'));
    assert.ok(!supportsCurrency('alipay', 'USD'));
    assert.ok(!supportsCurrency('wechatpay', 'HKD'));
    assert.ok(!supportsCurrency('stripe', 'USX'));
    assert.ok(!supportsCurrency('paypal' as never, 'USD'));
  });
});
