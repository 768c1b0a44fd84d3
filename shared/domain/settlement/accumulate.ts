/**
 * A settlement's totals, accumulated one line item at a time. A run streams a merchant's items from
 * the store and feeds them here; memory grows with the currencies seen, never with the items, so a
 * merchant-day of a million payments costs a handful of numbers.
 */
import { type CurrencyCode, isCurrency, MAX_AMOUNT } from '../money.js';
import { type ChannelFee, type ChannelFees, feeFor } from '../routing/fees.js';
import { SettlementError } from './errors.js';
import { DEFAULT_PRICING, feeOf, type Pricing } from './pricing.js';

/** A succeeded payment or refund as a settlement lists it. */
export interface LineItem {
  readonly type: 'payment' | 'refund';
  /** `pay_…` or `re_…`. */
  readonly id: string;
  /** Positive integer minor units, at most 10^12. */
  readonly amount: number;
  readonly currency: CurrencyCode;
  /** When it succeeded. The store selects items by it; the arithmetic here does not read it. */
  readonly occurredAt: string;
  /** The channel it succeeded at; absent for items recorded before line items carried it. */
  readonly channel?: string | undefined;
}

/** The fee schedules a settlement prices payments with (contract: each channel's fee schedule). */
export interface FeeSources {
  /** The merchant's pricing: for a payment whose channel has no fee in its currency. */
  readonly pricing: Pricing;
  /** Each channel's fees by currency (channel settings). */
  readonly channelFees?: Readonly<Partial<Record<string, ChannelFees>>>;
}

/** The channel schedule that prices `item`, or `null` when the merchant's pricing does. */
export function channelFeeOf(
  item: Pick<LineItem, 'channel' | 'currency'>,
  sources: FeeSources,
): ChannelFee | null {
  const fees = item.channel && sources.channelFees ? sources.channelFees[item.channel] : undefined;
  const fee = fees && Object.hasOwn(fees, item.currency) ? fees[item.currency] : undefined;
  return fee ?? null;
}

/**
 * The fee of one succeeded payment: its channel's schedule in its currency, else the merchant's pricing
 * (domain/settlement/pricing.ts). Refunds have none.
 */
export function lineFee(
  item: Pick<LineItem, 'channel' | 'currency' | 'amount'>,
  sources: FeeSources,
): number {
  const fee = channelFeeOf(item, sources);
  return fee ? feeFor(fee, item.amount) : feeOf(sources.pricing, item.amount, item.currency);
}

/** The totals of one merchant-currency in one settlement. */
export interface SettlementTotals {
  readonly currency: CurrencyCode;
  /** Payments that land in this settlement, released ones included. */
  readonly grossAmount: number;
  readonly refundedAmount: number;
  readonly feeAmount: number;
  /** `grossAmount − refundedAmount − feeAmount`; negative when refunds and fees exceed captures. */
  readonly netAmount: number;
  readonly paymentCount: number;
  readonly refundCount: number;
  /** Payments skipped because they are held now; a later settlement takes them. */
  readonly heldCount: number;
  readonly heldAmount: number;
  /** Of `heldAmount`, payments no earlier settlement held: the ledger moves these to `merchant_held`. */
  readonly newlyHeldAmount: number;
  /** Of `paymentCount` and `grossAmount`, payments an earlier settlement held and this one releases. */
  readonly releasedCount: number;
  readonly releasedAmount: number;
}

/** What became of an item: it lands in this settlement (`released` after a hold), or waits. */
export type Disposition = 'settled' | 'released' | 'held';

/** Ids a run looks up; a `Set` does, and so does any index of the store's. */
export interface IdLookup {
  has(id: string): boolean;
}

export interface AccumulatorOptions {
  /** Defaults to `DEFAULT_PRICING`. */
  readonly pricing?: Pricing;
  /** Payments held now (risk review, open discrepancy): skipped, counted in `heldCount`. */
  readonly held?: IdLookup;
  /** Payments an earlier settlement held, so already in `merchant_held`: released when no longer held. */
  readonly heldEarlier?: IdLookup;
  /** Each channel's fees by currency; a payment at a channel without a fee in its currency uses `pricing`. */
  readonly channelFees?: FeeSources['channelFees'];
}

type Counter = { -readonly [K in keyof SettlementTotals]: SettlementTotals[K] };

const NONE: IdLookup = { has: () => false };

function added(total: number, amount: number, currency: CurrencyCode): number {
  const sum = total + amount;
  if (!Number.isSafeInteger(sum)) {
    throw new SettlementError('out_of_range', `a ${currency} total exceeds the safe integer range`);
  }
  return sum;
}

/**
 * Accumulates one merchant's settlement. Each item must be fed once: duplicates cannot be told apart
 * without keeping every id, which is what this must not do (the store reads each item once).
 *
 * Only payments are held. A refund settles in the first run that sees it, even when its payment is
 * held: deducting early only ever protects us, while paying out a held payment is what a hold prevents.
 */
export class SettlementAccumulator {
  private readonly byCurrency = new Map<CurrencyCode, Counter>();
  private readonly sources: FeeSources;
  /** Per currency, the channel schedules that priced at least one payment. */
  private readonly schedules = new Map<CurrencyCode, Record<string, ChannelFee>>();
  private readonly held: IdLookup;
  private readonly heldEarlier: IdLookup;

  constructor(options: AccumulatorOptions = {}) {
    this.sources = {
      pricing: options.pricing ?? DEFAULT_PRICING,
      ...(options.channelFees ? { channelFees: options.channelFees } : {}),
    };
    this.held = options.held ?? NONE;
    this.heldEarlier = options.heldEarlier ?? NONE;
  }

  /**
   * Adds one item to its currency's totals and says what became of it.
   * @throws SettlementError `invalid_line_item` for an item no succeeded payment or refund can be;
   * `out_of_range` when a total would pass 2^53.
   */
  add(item: LineItem): Disposition {
    const { type, id, amount, currency } = item;
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) {
      throw new SettlementError(
        'invalid_line_item',
        `${id}: amount ${amount} is not from 1 to ${MAX_AMOUNT}`,
      );
    }
    if (type !== 'payment' && type !== 'refund') {
      throw new SettlementError('invalid_line_item', `${id}: type ${String(type)}`);
    }
    const t = this.byCurrency.get(currency) ?? this.open(id, currency);
    if (type === 'refund') {
      t.refundedAmount = added(t.refundedAmount, amount, currency);
      t.refundCount += 1;
      return 'settled';
    }
    const earlier = this.heldEarlier.has(id);
    if (this.held.has(id)) {
      t.heldAmount = added(t.heldAmount, amount, currency);
      t.heldCount += 1;
      if (!earlier) t.newlyHeldAmount = added(t.newlyHeldAmount, amount, currency);
      return 'held';
    }
    t.grossAmount = added(t.grossAmount, amount, currency);
    t.feeAmount = added(t.feeAmount, lineFee(item, this.sources), currency);
    const schedule = channelFeeOf(item, this.sources);
    if (schedule && item.channel) {
      const used = this.schedules.get(currency) ?? {};
      used[item.channel] = schedule;
      this.schedules.set(currency, used);
    }
    t.paymentCount += 1;
    if (!earlier) return 'settled';
    t.releasedAmount = added(t.releasedAmount, amount, currency);
    t.releasedCount += 1;
    return 'released';
  }

  /**
   * The channel fee schedules that priced payments of `currency`, by channel (a channel absent: its
   * payments used the merchant's pricing). A settlement records them, so its line items' fees can be
   * told later whatever ops change since.
   */
  feeSchedules(currency: CurrencyCode): Record<string, ChannelFee> {
    return { ...this.schedules.get(currency) };
  }

  /** The totals of every currency seen, by currency code; one with only held items has zero gross. */
  totals(): SettlementTotals[] {
    return [...this.byCurrency.values()]
      .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
      .map((t) => ({ ...t, netAmount: t.grossAmount - t.refundedAmount - t.feeAmount }));
  }

  private open(id: string, currency: CurrencyCode): Counter {
    if (!isCurrency(currency)) throw new SettlementError('invalid_line_item', `${id}: currency ${currency}`);
    const counter: Counter = {
      currency,
      grossAmount: 0,
      refundedAmount: 0,
      feeAmount: 0,
      netAmount: 0,
      paymentCount: 0,
      refundCount: 0,
      heldCount: 0,
      heldAmount: 0,
      newlyHeldAmount: 0,
      releasedCount: 0,
      releasedAmount: 0,
    };
    this.byCurrency.set(currency, counter);
    return counter;
  }
}

/** The totals of `items` read to their end (a generator or the store's async pages), by currency. */
export async function accumulate(
  items: Iterable<LineItem> | AsyncIterable<LineItem>,
  options: AccumulatorOptions = {},
): Promise<SettlementTotals[]> {
  const accumulator = new SettlementAccumulator(options);
  // A sync source is read without an await per item: a million microtasks would cost more than the sums.
  if (Symbol.iterator in items) for (const item of items) accumulator.add(item);
  else for await (const item of items) accumulator.add(item);
  return accumulator.totals();
}
