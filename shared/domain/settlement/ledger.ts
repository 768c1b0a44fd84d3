/**
 * The double-entry ledger of settlement. A settlement posts a few aggregate entries (one pair per
 * kind), not one per payment: the line items are the settlement's own record, the ledger says where
 * the money is. Every kind balances by itself, so any subset of kinds (say, the payout posted after
 * the rest) keeps the books balanced.
 */
import { type CurrencyCode, isCurrency } from '../money.js';
import type { SettlementTotals } from './accumulate.js';
import { SettlementError } from './errors.js';

export const ACCOUNTS = [
  /** Asset: what the channel collected for us and owes us (captures less refunds it paid out). */
  'channel_receivable',
  /** Liability: what we owe the merchant and will pay out; a debit balance means the merchant owes us. */
  'merchant_payable',
  /** Liability: what we owe the merchant for payments held (risk review, open discrepancy), not payable yet. */
  'merchant_held',
  /** Income: our fees. */
  'fee_revenue',
  /** Asset: our bank account, which payouts leave from. */
  'cash',
] as const;
export type Account = (typeof ACCOUNTS)[number];

export type Side = 'debit' | 'credit';

/** The side each account's balance normally sits on: assets on the debit side, the others on the credit. */
export const NORMAL_SIDE: Readonly<Record<Account, Side>> = Object.freeze({
  channel_receivable: 'debit',
  merchant_payable: 'credit',
  merchant_held: 'credit',
  fee_revenue: 'credit',
  cash: 'debit',
});

export const ENTRY_KINDS = ['capture', 'refund', 'fee', 'hold', 'release', 'payout'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface LedgerEntry {
  readonly account: Account;
  readonly side: Side;
  /** Positive integer minor units. */
  readonly amount: number;
  readonly currency: CurrencyCode;
  readonly kind: EntryKind;
  /** The settlement id. */
  readonly reference: string;
}

/** What the ledger needs of a settlement: its id and its currency's totals. */
export type SettlementPosting = { readonly id: string } & Pick<
  SettlementTotals,
  'currency' | 'grossAmount' | 'refundedAmount' | 'feeAmount' | 'newlyHeldAmount' | 'releasedAmount'
>;

/** Debit `debit`, credit `credit` by `amount`; nothing for zero (entries are positive). */
function pair(
  kind: EntryKind,
  debit: Account,
  credit: Account,
  amount: number,
  currency: CurrencyCode,
  reference: string,
): LedgerEntry[] {
  if (amount === 0) return [];
  return [
    { account: debit, side: 'debit', amount, currency, kind, reference },
    { account: credit, side: 'credit', amount, currency, kind, reference },
  ];
}

function invalid(s: SettlementPosting, why: string): SettlementError {
  return new SettlementError('invalid_settlement', `settlement ${s.id} (${s.currency}): ${why}`);
}

/**
 * The entries of a settlement, payout aside:
 * - capture: every payment seen for the first time, held or not (channel_receivable → merchant_payable);
 *   a released payment was captured by the settlement that held it, so `grossAmount − releasedAmount`
 *   plus what is newly held;
 * - hold: newly held payments leave merchant_payable for merchant_held; release: back, when they land;
 * - refund: merchant_payable → channel_receivable; fee: merchant_payable → fee_revenue.
 *
 * merchant_payable therefore moves by exactly `netAmount`.
 * @throws SettlementError `invalid_settlement` for amounts that are not non-negative integers, or more
 * released than gross.
 */
export function entriesForSettlement(s: SettlementPosting): LedgerEntry[] {
  const { id, currency, grossAmount, refundedAmount, feeAmount, newlyHeldAmount, releasedAmount } = s;
  if (id === '') throw invalid(s, 'no id');
  if (!isCurrency(currency)) throw invalid(s, 'unknown currency');
  for (const amount of [grossAmount, refundedAmount, feeAmount, newlyHeldAmount, releasedAmount]) {
    if (!Number.isSafeInteger(amount) || amount < 0)
      throw invalid(s, `${amount} is not a non-negative integer`);
  }
  if (releasedAmount > grossAmount) throw invalid(s, 'more released than gross');
  const captured = grossAmount - releasedAmount + newlyHeldAmount;
  if (!Number.isSafeInteger(captured)) throw new SettlementError('out_of_range', `settlement ${id}: capture`);
  return [
    ...pair('capture', 'channel_receivable', 'merchant_payable', captured, currency, id),
    ...pair('hold', 'merchant_payable', 'merchant_held', newlyHeldAmount, currency, id),
    ...pair('release', 'merchant_held', 'merchant_payable', releasedAmount, currency, id),
    ...pair('refund', 'merchant_payable', 'channel_receivable', refundedAmount, currency, id),
    ...pair('fee', 'merchant_payable', 'fee_revenue', feeAmount, currency, id),
  ];
}

/**
 * What to pay out for a settlement of `net`, given merchant_payable's balance once the settlement is
 * posted: the net, less what the merchant still owes from earlier negative settlements; never below 0.
 * A negative net is not paid and not invoiced: it stays on merchant_payable as a debit balance (the
 * merchant owes us) and this takes it back from the next positive settlements.
 */
export function payoutAmount(net: number, payableBalance: number): number {
  return Math.max(0, Math.min(net, payableBalance));
}

/**
 * The entries of paying `net` out (merchant_payable → cash); none when `net ≤ 0`. Pass it
 * `payoutAmount(…)` to have earlier negative settlements taken back.
 * @throws SettlementError `invalid_settlement` when `net` is not an integer.
 */
export function payoutEntries(settlementId: string, net: number, currency: CurrencyCode): LedgerEntry[] {
  if (!Number.isSafeInteger(net) || !isCurrency(currency) || settlementId === '') {
    throw new SettlementError('invalid_settlement', `payout of ${net} ${currency} for ${settlementId}`);
  }
  return net > 0 ? pair('payout', 'merchant_payable', 'cash', net, currency, settlementId) : [];
}

/** The balance of `account` in `currency`, positive on the account's normal side (see `NORMAL_SIDE`). */
export function balanceOf(entries: Iterable<LedgerEntry>, account: Account, currency: CurrencyCode): number {
  let balance = 0;
  for (const e of entries) {
    if (e.account === account && e.currency === currency) {
      balance += e.side === NORMAL_SIDE[account] ? e.amount : -e.amount;
    }
  }
  return balance;
}

/** Debits − credits per currency: zero for every currency when the entries balance. */
export function trialBalance(entries: Iterable<LedgerEntry>): Record<CurrencyCode, number> {
  const sums = new Map<CurrencyCode, number>();
  for (const e of entries) {
    sums.set(e.currency, (sums.get(e.currency) ?? 0) + (e.side === 'debit' ? e.amount : -e.amount));
  }
  return Object.fromEntries(sums);
}
