import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  balanceOf,
  entriesForSettlement,
  type LedgerEntry,
  payoutAmount,
  payoutEntries,
  SettlementError,
  type SettlementPosting,
  trialBalance,
} from '../../../../shared/domain/settlement/index.js';

const posting: SettlementPosting = {
  id: 'stl_1',
  currency: 'USD',
  grossAmount: 15_000,
  refundedAmount: 2000,
  feeAmount: 495,
  newlyHeldAmount: 3000,
  releasedAmount: 5000,
};

/** `account side amount kind` per entry, compact enough to read a posting at a glance. */
function lines(entries: LedgerEntry[]): string[] {
  return entries.map((e) => `${e.kind} ${e.side} ${e.account} ${e.amount}`);
}

describe('settlement ledger', () => {
  it('posts captures, holds, releases, refunds and fees of a settlement in balanced pairs', () => {
    // Act
    const entries = entriesForSettlement(posting);
    // Assess: captured for the first time: 15000 − 5000 released earlier + 3000 newly held.
    assert.deepEqual(lines(entries), [
      'capture debit channel_receivable 13000',
      'capture credit merchant_payable 13000',
      'hold debit merchant_payable 3000',
      'hold credit merchant_held 3000',
      'release debit merchant_held 5000',
      'release credit merchant_payable 5000',
      'refund debit merchant_payable 2000',
      'refund credit channel_receivable 2000',
      'fee debit merchant_payable 495',
      'fee credit fee_revenue 495',
    ]);
    assert.ok(entries.every((e) => e.reference === 'stl_1' && e.currency === 'USD'));
    assert.deepEqual(trialBalance(entries), { USD: 0 });
  });

  it('moves merchant_payable by exactly the net of the settlement', () => {
    const entries = entriesForSettlement(posting);
    assert.equal(balanceOf(entries, 'merchant_payable', 'USD'), 15_000 - 2000 - 495);
    assert.equal(balanceOf(entries, 'merchant_held', 'USD'), 3000 - 5000);
    assert.equal(balanceOf(entries, 'channel_receivable', 'USD'), 13_000 - 2000);
    assert.equal(balanceOf(entries, 'fee_revenue', 'USD'), 495);
    assert.equal(balanceOf(entries, 'fee_revenue', 'EUR'), 0);
  });

  it('posts nothing for a kind with nothing to post', () => {
    const entries = entriesForSettlement({
      ...posting,
      grossAmount: 1000,
      refundedAmount: 0,
      feeAmount: 59,
      newlyHeldAmount: 0,
      releasedAmount: 0,
    });
    assert.deepEqual(
      entries.map((e) => e.kind),
      ['capture', 'capture', 'fee', 'fee'],
    );
  });

  it('pays a positive net out of cash and nothing for a net at or below zero', () => {
    assert.deepEqual(lines(payoutEntries('stl_1', 12_505, 'USD')), [
      'payout debit merchant_payable 12505',
      'payout credit cash 12505',
    ]);
    assert.deepEqual(payoutEntries('stl_1', 0, 'USD'), []);
    assert.deepEqual(payoutEntries('stl_1', -300, 'USD'), []);
  });

  it('takes what a merchant owes from earlier settlements back from the next payouts', () => {
    // A net of −300 left merchant_payable at −300; the next settlement nets 1000.
    assert.equal(payoutAmount(1000, -300 + 1000), 700);
    assert.equal(payoutAmount(200, -300 + 200), 0);
    assert.equal(payoutAmount(-300, -300), 0);
    assert.equal(payoutAmount(1000, 1000), 1000);
  });

  it('keeps balances per currency apart', () => {
    const entries = [
      ...entriesForSettlement(posting),
      ...entriesForSettlement({ ...posting, id: 'stl_2', currency: 'EUR' }),
      ...payoutEntries('stl_2', 100, 'EUR'),
    ];
    assert.deepEqual(trialBalance(entries), { USD: 0, EUR: 0 });
    assert.equal(balanceOf(entries, 'cash', 'EUR'), -100);
    assert.equal(balanceOf(entries, 'cash', 'USD'), 0);
  });

  it('shows an unbalanced set of entries in the trial balance', () => {
    const [debit] = entriesForSettlement(posting);
    assert.deepEqual(trialBalance(debit ? [debit] : []), { USD: 13_000 });
  });

  it('refuses totals that cannot come from a settlement', () => {
    const refused: SettlementPosting[] = [
      { ...posting, id: '' },
      { ...posting, currency: 'USX' },
      { ...posting, feeAmount: -1 },
      { ...posting, refundedAmount: 1.5 },
      { ...posting, releasedAmount: posting.grossAmount + 1 },
    ];
    for (const s of refused) {
      assert.throws(
        () => entriesForSettlement(s),
        (e: unknown) => e instanceof SettlementError && e.code === 'invalid_settlement',
        JSON.stringify(s),
      );
    }
    assert.throws(() => payoutEntries('stl_1', 0.5, 'USD'), SettlementError);
  });
});
