import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  balanceOf,
  ENTRY_KINDS,
  entriesForSettlement,
  feeOf,
  type LedgerEntry,
  type Pricing,
  payoutAmount,
  payoutEntries,
  settlementId,
  trialBalance,
} from '../../../../shared/domain/settlement/index.js';
import { keyOf, type PlannedItem, planSettlements } from './plan.js';

const CURRENCIES = ['USD', 'EUR', 'JPY'] as const;
const DAY = 86_400_000;
const START = Date.parse('2026-03-01T00:00:00.000Z');
const RUNS = 5;

/** A payment, when it is seen and how long it is held, and the refunds made of it. */
const drawnPayment = fc.record({
  amount: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 1_000_000_000_000 })),
  currency: fc.constantFrom(...CURRENCIES),
  /** Window it occurred in; `RUNS` is after the last run. */
  window: fc.integer({ min: 0, max: RUNS }),
  late: fc.constantFrom(0, 0, 0, 1, 2),
  heldFor: fc.constantFrom(0, 0, 0, 1, 2, 9),
  refunds: fc.array(
    fc.record({
      percent: fc.integer({ min: 1, max: 100 }),
      after: fc.nat(2),
      late: fc.constantFrom(0, 0, 1),
    }),
    { maxLength: 3 },
  ),
});

const pricing: fc.Arbitrary<Pricing> = fc.record({
  percentBps: fc.oneof(fc.constant(290), fc.integer({ min: 0, max: 10_000 })),
  fixed: fc.dictionary(fc.constantFrom(...CURRENCIES), fc.integer({ min: 0, max: 500 })),
});

interface Case {
  readonly items: PlannedItem[];
  /** The run each item must land in by the contract, by key; absent when it lands in none of them. */
  readonly landsIn: Map<string, number>;
  /** First run that sees each payment, and the run its hold ends (it is held at runs in between). */
  readonly payments: { id: string; amount: number; currency: string; seen: number; heldUntil: number }[];
}

type DrawnPayment = typeof drawnPayment extends fc.Arbitrary<infer T> ? T : never;

function caseOf(drawn: DrawnPayment[]): Case {
  const items: PlannedItem[] = [];
  const landsIn = new Map<string, number>();
  const payments: Case['payments'] = [];
  const at = (window: number) => new Date(START + window * DAY + DAY / 2).toISOString();
  drawn.forEach((p, i) => {
    const id = `pay_${i}`;
    const seen = p.window + p.late;
    const heldUntil = seen + p.heldFor;
    items.push({
      type: 'payment',
      id,
      amount: p.amount,
      currency: p.currency,
      occurredAt: at(p.window),
      visibleFrom: seen,
    });
    payments.push({ id, amount: p.amount, currency: p.currency, seen, heldUntil });
    if (heldUntil < RUNS) landsIn.set(`payment:${id}`, heldUntil);
    let remaining = p.amount;
    p.refunds.forEach((r, j) => {
      const amount = Math.min(remaining, Math.max(1, Math.floor((remaining * r.percent) / 100)));
      if (amount === 0) return;
      remaining -= amount;
      const window = p.window + r.after;
      const rid = `re_${i}_${j}`;
      items.push({
        type: 'refund',
        id: rid,
        amount,
        currency: p.currency,
        occurredAt: at(window),
        visibleFrom: window + r.late,
      });
      if (window + r.late < RUNS) landsIn.set(`refund:${rid}`, window + r.late);
    });
  });
  return { items, landsIn, payments };
}

describe('settlement ledger, over any sequence of settlements', () => {
  it('balances every kind by itself, per currency, for any totals', () => {
    const amount = fc.nat(1_000_000_000_000);
    fc.assert(
      fc.property(
        fc.constantFrom(...CURRENCIES),
        amount,
        amount,
        amount,
        amount,
        amount,
        fc.integer(),
        (currency, gross, refunded, fee, held, released, net) => {
          const entries = [
            ...entriesForSettlement({
              id: 'stl_1',
              currency,
              grossAmount: gross + released,
              refundedAmount: refunded,
              feeAmount: fee,
              newlyHeldAmount: held,
              releasedAmount: released,
            }),
            ...payoutEntries('stl_1', net, currency),
          ];
          for (const kind of ENTRY_KINDS)
            assert.deepEqual(
              Object.values(trialBalance(entries.filter((e) => e.kind === kind))).filter((d) => d !== 0),
              [],
            );
          assert.ok(entries.every((e) => Number.isSafeInteger(e.amount) && e.amount > 0));
        },
      ),
    );
  });

  it('lands each payment and refund in exactly one settlement, keeps the books balanced and merchant_payable = captured − refunds − fees − payouts − held', () => {
    fc.assert(
      fc.property(fc.array(drawnPayment, { maxLength: 25 }), pricing, (drawn, price) => {
        // Prepare
        const { items, landsIn, payments } = caseOf(drawn);
        const periodEnds = Array.from({ length: RUNS }, (_, k) =>
          new Date(START + (k + 1) * DAY).toISOString(),
        );
        const heldAt = (run: number) =>
          new Set(payments.filter((p) => p.seen <= run && run < p.heldUntil).map((p) => p.id));
        // Act
        const runs = planSettlements(items, periodEnds, heldAt, price);
        // Assess (c): every item lands in the run the contract says, none in two, held ones in none yet.
        const landings = new Map<string, number>();
        runs.forEach((run, k) => {
          for (const key of run.landed) {
            assert.equal(landings.has(key), false, `${key} landed twice`);
            landings.set(key, k);
          }
        });
        assert.deepEqual(new Map([...landings].sort()), new Map([...landsIn].sort()));
        // Assess (a) and (b) after each run, its payouts included.
        const ledger: LedgerEntry[] = [];
        const ids = new Set<string>();
        const paidOut = new Map<string, number>();
        runs.forEach((run, k) => {
          for (const t of run.totals) {
            const id = settlementId('mer_1', t.currency, run.periodEnd);
            ids.add(id);
            ledger.push(...entriesForSettlement({ id, ...t }));
            const owed = balanceOf(ledger, 'merchant_payable', t.currency);
            const pay = payoutAmount(t.netAmount, owed);
            ledger.push(...payoutEntries(id, pay, t.currency));
            // A payout empties merchant_payable; what stays is only what the merchant owes us.
            assert.equal(balanceOf(ledger, 'merchant_payable', t.currency), Math.min(0, owed));
            paidOut.set(t.currency, (paidOut.get(t.currency) ?? 0) + pay);
          }
          for (const [currency, difference] of Object.entries(trialBalance(ledger)))
            assert.equal(difference, 0, currency);
          for (const currency of CURRENCIES) {
            const mine = payments.filter((p) => p.currency === currency && p.seen <= k);
            const captured = mine.reduce((s, p) => s + p.amount, 0);
            const heldNow = mine.filter((p) => k < p.heldUntil).reduce((s, p) => s + p.amount, 0);
            const fees = mine
              .filter((p) => p.heldUntil <= k)
              .reduce((s, p) => s + feeOf(price, p.amount, currency), 0);
            const refunded = items
              .filter(
                (i) => i.type === 'refund' && i.currency === currency && (landsIn.get(keyOf(i)) ?? RUNS) <= k,
              )
              .reduce((s, i) => s + i.amount, 0);
            const payouts = paidOut.get(currency) ?? 0;
            const payable = balanceOf(ledger, 'merchant_payable', currency);
            assert.equal(
              payable,
              captured - refunded - fees - payouts - heldNow,
              `payable ${currency} after run ${k}`,
            );
            assert.equal(balanceOf(ledger, 'merchant_held', currency), heldNow);
            assert.equal(balanceOf(ledger, 'channel_receivable', currency), captured - refunded);
            assert.equal(balanceOf(ledger, 'fee_revenue', currency), fees);
            assert.equal(balanceOf(ledger, 'cash', currency), 0 - payouts);
            // Every positive balance is paid out; what stays is what the merchant owes.
            assert.ok(payable <= 0, `payable ${currency} ${payable} after run ${k}`);
          }
        });
        assert.equal(
          ids.size,
          runs.reduce((s, r) => s + r.totals.length, 0),
        );
      }),
      { numRuns: 300 },
    );
  });
});
