import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_CHANNEL_FEES } from '../../../../shared/domain/channel-defaults.js';
import { CURRENCY_EXPONENTS } from '../../../../shared/domain/money.js';
import { feeFor } from '../../../../shared/domain/routing/fees.js';
import { lineFee, SettlementAccumulator } from '../../../../shared/domain/settlement/accumulate.js';
import { DEFAULT_PRICING, feeOf } from '../../../../shared/domain/settlement/pricing.js';

const item = (id: string, amount: number, channel?: string, currency = 'USD') => ({
  type: 'payment' as const,
  id,
  amount,
  currency,
  occurredAt: '2026-12-06T10:00:00.000Z',
  channel,
});

describe('settlement fees per channel', () => {
  it("charges each payment its channel's fee in its currency, and sums one merchant-day per currency", () => {
    // Prepare
    const accumulator = new SettlementAccumulator({
      channelFees: {
        stripe: { USD: { percentBps: 250, fixed: 20 } },
        alipay: { CNY: { percentBps: 60, fixed: 0 } },
      },
    });
    // Act
    accumulator.add(item('pay_1', 10_000, 'stripe'));
    accumulator.add(item('pay_2', 10_000, 'sandbox'));
    accumulator.add(item('pay_3', 10_000, 'alipay', 'CNY'));
    accumulator.add({ ...item('re_1', 500, 'stripe'), type: 'refund' });
    // Assess
    const [cny, usd] = accumulator.totals();
    assert.equal(
      usd?.feeAmount,
      250 + 20 + feeOf(DEFAULT_PRICING, 10_000, 'USD'),
      'sandbox: merchant pricing',
    );
    assert.equal(usd?.grossAmount, 20_000);
    assert.equal(usd?.netAmount, 20_000 - 500 - usd.feeAmount);
    assert.equal(cny?.feeAmount, 60);
    assert.deepEqual(accumulator.feeSchedules('USD'), { stripe: { percentBps: 250, fixed: 20 } });
    assert.deepEqual(accumulator.feeSchedules('CNY'), { alipay: { percentBps: 60, fixed: 0 } });
  });

  it("uses the merchant's pricing for a channel without a fee in the currency, or an item without a channel", () => {
    const sources = {
      pricing: DEFAULT_PRICING,
      channelFees: { stripe: { USD: { percentBps: 1, fixed: 0 } } },
    };
    assert.equal(lineFee(item('pay_1', 1000, 'stripe', 'EUR'), sources), feeOf(DEFAULT_PRICING, 1000, 'EUR'));
    assert.equal(lineFee(item('pay_2', 1000), sources), feeOf(DEFAULT_PRICING, 1000, 'USD'));
  });

  it("prices a sandbox payment by default exactly as the merchant's default pricing, in every currency", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000_000 }),
        fc.constantFrom(...Object.keys(CURRENCY_EXPONENTS)),
        (amount, currency) => {
          const fee = DEFAULT_CHANNEL_FEES.sandbox[currency];
          assert.ok(fee, currency);
          assert.equal(feeFor(fee, amount), feeOf(DEFAULT_PRICING, amount, currency));
        },
      ),
    );
  });
});
