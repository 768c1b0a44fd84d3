import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  accumulate,
  DEFAULT_PRICING,
  feeOf,
  type LineItem,
  SettlementAccumulator,
  SettlementError,
} from '../../../../shared/domain/settlement/index.js';

const AT = '2026-03-01T12:00:00.000Z';

function payment(id: string, amount: number, currency = 'USD'): LineItem {
  return { type: 'payment', id, amount, currency, occurredAt: AT };
}

function refund(id: string, amount: number, currency = 'USD'): LineItem {
  return { type: 'refund', id, amount, currency, occurredAt: AT };
}

describe('settlement totals', () => {
  it('sums payments, refunds and fees per currency, with net = gross − refunded − fee', async () => {
    // Prepare
    const items = [
      payment('pay_1', 10_000),
      payment('pay_2', 5000),
      refund('re_1', 2000),
      payment('pay_3', 1000, 'JPY'),
    ];
    // Act
    const totals = await accumulate(items);
    // Assess: USD fees 290 + 30 and 145 + 30; JPY 29 + 30.
    assert.deepEqual(totals, [
      {
        currency: 'JPY',
        grossAmount: 1000,
        refundedAmount: 0,
        feeAmount: 59,
        netAmount: 941,
        paymentCount: 1,
        refundCount: 0,
        heldCount: 0,
        heldAmount: 0,
        newlyHeldAmount: 0,
        releasedCount: 0,
        releasedAmount: 0,
      },
      {
        currency: 'USD',
        grossAmount: 15_000,
        refundedAmount: 2000,
        feeAmount: 495,
        netAmount: 12_505,
        paymentCount: 2,
        refundCount: 1,
        heldCount: 0,
        heldAmount: 0,
        newlyHeldAmount: 0,
        releasedCount: 0,
        releasedAmount: 0,
      },
    ]);
  });

  it('charges no fee on a refund and gives none back', async () => {
    const [usd] = await accumulate([refund('re_1', 10_000)]);
    assert.equal(usd?.feeAmount, 0);
    assert.equal(usd?.netAmount, -10_000);
  });

  it('carries a negative net when refunds and fees exceed the captures of the window', async () => {
    // Prepare: a refund of yesterday's payment, and a payment smaller than its fixed fee.
    const items = [refund('re_1', 5000), payment('pay_1', 10)];
    // Act
    const [usd] = await accumulate(items);
    // Assess
    assert.equal(usd?.netAmount, 10 - 5000 - 30);
  });

  it('skips held payments, counting them apart, and settles refunds whatever holds their payment', () => {
    // Prepare
    const accumulator = new SettlementAccumulator({
      held: new Set(['pay_held', 'pay_still']),
      heldEarlier: new Set(['pay_still', 'pay_back']),
    });
    // Act
    const dispositions = [
      accumulator.add(payment('pay_new', 1000)),
      accumulator.add(payment('pay_held', 2000)),
      accumulator.add(payment('pay_still', 4000)),
      accumulator.add(payment('pay_back', 8000)),
      accumulator.add(refund('pay_held', 500)),
    ];
    // Assess
    assert.deepEqual(dispositions, ['settled', 'held', 'held', 'released', 'settled']);
    const [usd] = accumulator.totals();
    assert.equal(usd?.grossAmount, 9000);
    assert.equal(usd?.paymentCount, 2);
    assert.equal(usd?.feeAmount, feeOf(DEFAULT_PRICING, 1000, 'USD') + feeOf(DEFAULT_PRICING, 8000, 'USD'));
    assert.equal(usd?.heldCount, 2);
    assert.equal(usd?.heldAmount, 6000);
    assert.equal(usd?.newlyHeldAmount, 2000);
    assert.equal(usd?.releasedCount, 1);
    assert.equal(usd?.releasedAmount, 8000);
    assert.equal(usd?.refundedAmount, 500);
  });

  it('reports a currency whose payments are all held, with nothing to pay', async () => {
    const [usd] = await accumulate([payment('pay_1', 1000)], { held: new Set(['pay_1']) });
    assert.equal(usd?.grossAmount, 0);
    assert.equal(usd?.netAmount, 0);
    assert.equal(usd?.heldAmount, 1000);
  });

  it('uses the merchant pricing it is given', async () => {
    const [eur] = await accumulate([payment('pay_1', 10_000, 'EUR')], {
      pricing: { percentBps: 100, fixed: {} },
    });
    assert.equal(eur?.feeAmount, 100);
  });

  it('refuses items no succeeded payment or refund can be', () => {
    const refused: LineItem[] = [
      payment('pay_1', 0),
      payment('pay_1', 1.5),
      payment('pay_1', 1_000_000_000_001),
      payment('pay_1', 100, 'USX'),
      { ...payment('pay_1', 100), type: 'dispute' as 'payment' },
    ];
    for (const item of refused) {
      assert.throws(
        () => new SettlementAccumulator().add(item),
        (e: unknown) => e instanceof SettlementError && e.code === 'invalid_line_item',
        JSON.stringify(item),
      );
    }
  });

  it('refuses a total past 2^53 rather than rounding it', () => {
    const accumulator = new SettlementAccumulator();
    assert.throws(
      () => {
        for (let i = 0; i < 10_000; i += 1) accumulator.add(refund(`re_${i}`, 1_000_000_000_000));
      },
      (e: unknown) => e instanceof SettlementError && e.code === 'out_of_range',
    );
  });

  it('gives the same totals whatever the order of the items, from a sync or an async source', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            type: fc.constantFrom('payment', 'refund'),
            amount: fc.integer({ min: 1, max: 1_000_000_000_000 }),
            currency: fc.constantFrom('USD', 'EUR', 'JPY'),
          }),
          { maxLength: 40 },
        ),
        async (drawn) => {
          // Prepare
          const items: LineItem[] = drawn.map((d, i) => ({ ...d, id: `x_${i}`, occurredAt: AT }));
          async function* streamed(list: LineItem[]) {
            yield* list;
          }
          // Act
          const inOrder = await accumulate(items);
          const reversed = await accumulate(streamed([...items].reverse()));
          // Assess
          assert.deepEqual(reversed, inOrder);
          for (const t of inOrder) {
            const mine = items.filter((i) => i.currency === t.currency);
            const sum = (type: string) =>
              mine.filter((i) => i.type === type).reduce((s, i) => s + i.amount, 0);
            assert.equal(t.grossAmount, sum('payment'));
            assert.equal(t.refundedAmount, sum('refund'));
            assert.equal(t.netAmount, t.grossAmount - t.refundedAmount - t.feeAmount);
          }
        },
      ),
    );
  });

  it('settles a million items from a stream without keeping them', async () => {
    // Prepare: each item is made when read and unreachable once added; kept, they would take >100 MB.
    const N = 1_000_000;
    function* items(): Generator<LineItem> {
      const start = Date.parse(AT);
      for (let i = 0; i < N; i += 1) {
        const occurredAt = new Date(start + i).toISOString();
        if (i % 10 === 9) yield { type: 'refund', id: `re_${i}`, amount: 500, currency: 'EUR', occurredAt };
        else
          yield {
            type: 'payment',
            id: `pay_${i}`,
            amount: 10_000,
            currency: i % 2 ? 'EUR' : 'USD',
            occurredAt,
          };
      }
    }
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampled = (function* () {
      let n = 0;
      for (const item of items()) {
        n += 1;
        if (n % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
        yield item;
      }
    })();
    // Act
    const [eur, usd] = await accumulate(sampled);
    // Assess: per 10 items, 5 USD payments, 4 EUR payments and 1 EUR refund; each fee 290 + 30.
    assert.deepEqual(
      [eur?.paymentCount, eur?.refundCount, eur?.grossAmount, eur?.refundedAmount, eur?.feeAmount],
      [400_000, 100_000, 4_000_000_000, 50_000_000, 128_000_000],
    );
    assert.deepEqual(
      [usd?.paymentCount, usd?.grossAmount, usd?.netAmount],
      [500_000, 5_000_000_000, 4_840_000_000],
    );
    assert.ok(peak - before < 48 * 1024 * 1024, `heap grew by ${Math.round((peak - before) / 2 ** 20)} MB`);
  });
});
