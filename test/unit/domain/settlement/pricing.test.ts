import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sandboxFee } from '../../../../local/src/sandbox/statements.js';
import { CURRENCY_EXPONENTS, MAX_AMOUNT } from '../../../../shared/domain/money.js';
import {
  DEFAULT_PRICING,
  feeOf,
  MAX_BPS,
  type Pricing,
  pricingSchema,
  SettlementError,
} from '../../../../shared/domain/settlement/index.js';

const currency = fc.constantFrom(...Object.keys(CURRENCY_EXPONENTS));
const amount = fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: MAX_AMOUNT }));

/** The fee as the pricing states it, in BigInt: what feeOf must equal without BigInt. */
function referenceFee(pricing: Pricing, a: number, c: string): number {
  const percent = (BigInt(a) * BigInt(pricing.percentBps) + 5000n) / 10000n;
  return Number(percent) + (pricing.fixed[c] ?? 0);
}

describe('settlement pricing', () => {
  it('charges 2.9% + 30 minor units by default', () => {
    // Prepare: $10.00, ¥1000 and 1.000 KWD.
    const cases = [
      [1000, 'USD', 29 + 30],
      [1000, 'JPY', 29 + 30],
      [1000, 'KWD', 29 + 30],
      [MAX_AMOUNT, 'USD', 29_000_000_000 + 30],
    ] as const;
    for (const [a, c, expected] of cases) {
      // Act
      const fee = feeOf(DEFAULT_PRICING, a, c);
      // Assess
      assert.equal(fee, expected, `${a} ${c}`);
    }
  });

  it('rounds the percentage half up to a minor unit', () => {
    const pricing: Pricing = { percentBps: 290, fixed: {} };
    assert.equal(feeOf(pricing, 50, 'USD'), 1); // 1.45 → 1
    assert.equal(feeOf(pricing, 1, 'USD'), 0); // 0.029 → 0
    assert.equal(feeOf({ percentBps: 5000, fixed: {} }, 1, 'USD'), 1); // 0.5 → 1
    assert.equal(feeOf({ percentBps: 5000, fixed: {} }, 3, 'USD'), 2); // 1.5 → 2
  });

  it('charges by default exactly what the sandbox channel charges, so sandbox statements match', () => {
    fc.assert(
      fc.property(amount, currency, (a, c) => {
        assert.equal(
          feeOf(DEFAULT_PRICING, a, c),
          sandboxFee({ type: 'payment', status: 'succeeded', amount: a }),
        );
      }),
    );
  });

  it('computes exactly what the pricing states, up to 10^12 at 100%, without floating-point error', () => {
    fc.assert(
      fc.property(
        amount,
        fc.integer({ min: 0, max: MAX_BPS }),
        fc.integer({ min: 0, max: MAX_AMOUNT }),
        (a, percentBps, fixed) => {
          const pricing: Pricing = { percentBps, fixed: { EUR: fixed } };
          const fee = feeOf(pricing, a, 'EUR');
          assert.equal(fee, referenceFee(pricing, a, 'EUR'));
          assert.ok(Number.isSafeInteger(fee));
        },
      ),
    );
  });

  it('adds no fixed part in a currency the pricing does not name', () => {
    const pricing: Pricing = { percentBps: 100, fixed: { USD: 30 } };
    assert.equal(feeOf(pricing, 10_000, 'EUR'), 100);
    assert.equal(feeOf(pricing, 10_000, 'USD'), 130);
    assert.equal(feeOf({ percentBps: 0, fixed: {} }, 10_000, 'USD'), 0);
  });

  it('refuses to price an amount no payment can have', () => {
    for (const a of [0, -1, 10.5, MAX_AMOUNT + 1, Number.NaN]) {
      assert.throws(
        () => feeOf(DEFAULT_PRICING, a, 'USD'),
        (e: unknown) => e instanceof SettlementError && e.code === 'invalid_line_item',
        String(a),
      );
    }
  });

  it('reads a pricing and keeps the default valid by its own schema', () => {
    // Prepare
    const stored = { percentBps: 150, fixed: { EUR: 25, JPY: 0 }, note: 'dropped' };
    // Act
    const parsed = pricingSchema.parse(stored);
    // Assess
    assert.deepEqual(parsed, { percentBps: 150, fixed: { EUR: 25, JPY: 0 } });
    assert.equal(pricingSchema.safeParse(DEFAULT_PRICING).success, true);
    assert.equal(DEFAULT_PRICING.fixed.XOF, 30);
  });

  it('refuses basis points out of 0..10000, fractional or negative fixed parts and unknown currencies', () => {
    const refused = [
      { percentBps: -1, fixed: {} },
      { percentBps: 10_001, fixed: {} },
      { percentBps: 2.5, fixed: {} },
      { percentBps: 290, fixed: { USD: -1 } },
      { percentBps: 290, fixed: { USD: 0.5 } },
      { percentBps: 290, fixed: { usd: 30 } },
      { percentBps: 290, fixed: { USX: 30 } },
      { percentBps: 290 },
    ];
    for (const input of refused) {
      assert.equal(pricingSchema.safeParse(input).success, false, JSON.stringify(input));
    }
  });
});
