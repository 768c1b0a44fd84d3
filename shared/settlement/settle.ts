/**
 * The state machine's task handlers' logic (functions/settlement/*): settle one merchant for a date, pay
 * a settlement out, and the event a paid settlement announces.
 *
 * A merchant's settlements cover consecutive windows of commit time, so each payment and refund lands in
 * exactly one:
 * - line items are keyed by when they showed `succeeded` (GSI2SK, written by the transition itself), so a
 *   window [mark, cutoff) is complete once the index has caught up with the run's start (`untilIndexed`):
 *   nothing can be recorded later with an earlier time, and there is no grace and no "late" class;
 * - the cutoff is the end of `date`, or the run's start for today: what showed `succeeded` before a run
 *   started is in it; what succeeded after a past day's end waits for a later run;
 * - the mark only moves forward (a run for an earlier day than the mark settles no new window);
 * - payments held now (risk review, open discrepancy: risk's `HOLD#`, asked of its `held-payments`
 *   function) are left out and carried in the state until released; a later settlement then takes them.
 * Totals and fees are accumulated as the items stream (domain/settlement); one transaction writes the
 * settlement of each currency, its ledger entries and the new state (guarded by the state's version):
 * no per-payment write, and a retried or repeated settle of the same window commits nothing twice.
 */

import type { CurrencyCode } from '../domain/money.js';
import type { ChannelFees } from '../domain/routing/fees.js';
import { type LineItem, SettlementAccumulator } from '../domain/settlement/accumulate.js';
import { settlementId } from '../domain/settlement/ids.js';
import { balanceOf, entriesForSettlement, payoutAmount, payoutEntries } from '../domain/settlement/ledger.js';
import { DEFAULT_PRICING, type Pricing } from '../domain/settlement/pricing.js';
import { eventIdOf } from '../events/event-id.js';
import type {
  DynamoSettlementStore,
  HeldOut,
  SettlementItem,
  SettlementState,
} from '../store/dynamodb/settlements.js';
import { untilIndexed } from '../store/dynamodb/table.js';
import { keys } from '../store/keys.js';

export interface SettleDeps {
  readonly store: DynamoSettlementStore;
  readonly pricing?: (merchantId: string) => Promise<Pricing>;
  /**
   * Each channel's fees by currency (channel settings): a payment is charged its channel's fee in its
   * currency, else the merchant's pricing. Absent: the merchant's pricing for every payment.
   */
  readonly channelFees?: () => Promise<Readonly<Partial<Record<string, ChannelFees>>>>;
  /** How long after the run's start it waits before it reads the line items (keys.ts OUTCOME_INDEX_LAG_MS). */
  readonly indexLagMs?: number;
  /**
   * The merchant's line items committed in [from, to): core's `settlement-lines` function, page by page
   * (shared/internal/settlement-lines.ts). Absent: read from the table (`store.lineItems`, tests and tools).
   */
  readonly lineItems?: (merchantId: string, period: readonly [string, string]) => AsyncIterable<LineItem>;
  /**
   * The merchant's payments held out of settlement now: risk's `held-payments` function, page by page
   * (shared/internal/held-payments.ts). Absent: read from the table (`store.heldPayments`, tests and tools).
   */
  readonly heldPayments?: (merchantId: string) => Promise<ReadonlySet<string>>;
}

/** What the state machine carries per settlement to pay it out. */
export interface SettlementRef {
  readonly id: string;
  readonly merchantId: string;
  readonly currency: string;
  /** With merchant and currency, the settlement's key: a task reads it with one GetItem. */
  readonly periodEnd: string;
  readonly netAmount: number;
}

/** The end of the window a run for `date` started at `startedAt` closes: the day's end, or its start. */
export function cutoffOf(date: string, startedAt: Date): string {
  const endOfDay = Date.parse(`${date}T00:00:00.000Z`) + 86_400_000;
  return new Date(Math.min(endOfDay, startedAt.getTime())).toISOString();
}

/** Settles one merchant for `date` (all its currencies). @returns the settlements to pay out. */
export async function settleMerchant(
  deps: SettleDeps,
  input: {
    readonly merchantId: string;
    readonly date: string;
    readonly runId: string;
    /** When the run was started (its `createdAt`): today's cutoff. */
    readonly startedAt: Date;
    /** When this settle happens (the settlements' timestamps); defaults to the clock. */
    readonly now?: Date;
  },
): Promise<SettlementRef[]> {
  const { store } = deps;
  const state = await store.state(input.merchantId);
  if (state.lastRunId === input.runId) {
    // This run's settle committed already (the task is retried): answer what it made.
    const made = await Promise.all(
      (state.lastSettlementIds ?? []).map((id) => store.settlement(input.merchantId, id)),
    );
    return made.filter((s): s is SettlementItem => s !== undefined).map(refOf);
  }
  const cutoff = cutoffOf(input.date, input.startedAt);
  const period: [string, string] = [state.settledTo, cutoff];
  await untilIndexed(input.startedAt, deps.indexLagMs);
  const held = await (deps.heldPayments ?? ((m) => store.heldPayments(m)))(input.merchantId);
  const pricing = (await deps.pricing?.(input.merchantId)) ?? DEFAULT_PRICING;
  const channelFees = await deps.channelFees?.();
  const heldEarlier = new Set(Object.keys(state.heldOut));
  const accumulator = new SettlementAccumulator({
    pricing,
    held,
    heldEarlier,
    ...(channelFees ? { channelFees } : {}),
  });

  const heldOut: Record<string, HeldOut> = {};
  const released: LineItem[] = [];
  const heldNew: LineItem[] = [];
  const feed = (item: LineItem) => {
    const disposition = accumulator.add(item);
    if (disposition === 'held') {
      heldOut[item.id] = {
        type: 'payment',
        amount: item.amount,
        currency: item.currency,
        occurredAt: item.occurredAt,
        ...(item.channel ? { channel: item.channel } : {}),
      };
      if (!heldEarlier.has(item.id)) heldNew.push(item);
    }
    if (disposition === 'released') released.push(item);
  };
  // Payments held out earlier: released ones land now, the others stay carried.
  for (const [id, h] of Object.entries(state.heldOut)) {
    if (held.has(id)) heldOut[id] = h;
    else
      feed({
        type: 'payment',
        id,
        amount: h.amount,
        currency: h.currency as CurrencyCode,
        occurredAt: h.occurredAt,
        channel: h.channel,
      });
  }
  const lineItems = deps.lineItems ?? ((m, p) => store.lineItems(m, p));
  for await (const item of lineItems(input.merchantId, period)) feed(item);

  // Held now, whether first seen in this window or carried from an earlier one.
  const heldNow = new Map<string, { count: number; amount: number }>();
  for (const h of Object.values(heldOut)) {
    const c = heldNow.get(h.currency) ?? { count: 0, amount: 0 };
    heldNow.set(h.currency, { count: c.count + 1, amount: c.amount + h.amount });
  }
  const now = (input.now ?? new Date()).toISOString();
  const settlements: SettlementItem[] = [];
  const ledger = [];
  for (const t of accumulator.totals()) {
    const landed = t.paymentCount + t.refundCount > 0;
    if (!landed && t.newlyHeldAmount === 0) continue;
    const id = settlementId(input.merchantId, t.currency, cutoff);
    settlements.push({
      ...keys.settlement(input.merchantId, cutoff, t.currency),
      entity: 'settlement',
      id,
      merchantId: input.merchantId,
      currency: t.currency,
      periodEnd: cutoff,
      grossAmount: t.grossAmount,
      refundedAmount: t.refundedAmount,
      feeAmount: t.feeAmount,
      netAmount: t.netAmount,
      paymentCount: t.paymentCount,
      refundCount: t.refundCount,
      heldCount: heldNow.get(t.currency)?.count ?? 0,
      heldAmount: heldNow.get(t.currency)?.amount ?? 0,
      releasedCount: t.releasedCount,
      releasedAmount: t.releasedAmount,
      status: t.netAmount > 0 ? 'pending_payout' : 'no_payout',
      payout: null,
      payoutError: null,
      runId: input.runId,
      fees: accumulator.feeSchedules(t.currency),
      windows: {
        period,
        released: released
          .filter((r) => r.currency === t.currency)
          .map((r) => ({
            id: r.id,
            amount: r.amount,
            occurredAt: r.occurredAt,
            ...(r.channel ? { channel: r.channel } : {}),
          })),
        heldOut: heldNew.filter((h) => h.currency === t.currency).map((h) => h.id),
      },
      createdAt: now,
      updatedAt: now,
    });
    ledger.push({ settlementId: id, currency: t.currency, entries: entriesForSettlement({ id, ...t }) });
  }
  const next: SettlementState = {
    settledTo: later(cutoff, state.settledTo),
    heldOut,
    version: state.version + 1,
    lastRunId: input.runId,
    lastSettlementIds: settlements.map((s) => s.id),
  };
  await store.commit({ merchantId: input.merchantId, previous: state, next, settlements, ledger });
  return settlements.map(refOf);
}

/** The later of two ISO timestamps (a window never moves back). */
function later(a: string, b: string): string {
  return a > b ? a : b;
}

function refOf(s: SettlementItem): SettlementRef {
  return {
    id: s.id,
    merchantId: s.merchantId,
    currency: s.currency,
    periodEnd: s.periodEnd,
    netAmount: s.netAmount,
  };
}

/** Pays a settlement out through the bank, once; records it with its ledger entries. */
export async function payOut(
  deps: {
    readonly store: DynamoSettlementStore;
    readonly bank: (payout: {
      id: string;
      merchantId: string;
      amount: number;
      currency: string;
    }) => Promise<{ reference: string }>;
  },
  ref: SettlementRef,
  now: Date,
): Promise<SettlementItem> {
  const settlement = await deps.store.settlementAt(ref.merchantId, ref.periodEnd, ref.currency);
  if (!settlement) throw new Error(`settlement ${ref.id} of ${ref.merchantId} not found`);
  if (settlement.status !== 'pending_payout') return settlement;
  const balance = balanceOf(
    await deps.store.ledgerEntries(ref.merchantId, settlement.currency),
    'merchant_payable',
    settlement.currency as CurrencyCode,
  );
  const amount = payoutAmount(settlement.netAmount, balance);
  // The bank deduplicates on the payout id: a retried task never pays twice.
  const paid =
    amount > 0
      ? await deps.bank({
          id: settlement.id,
          merchantId: settlement.merchantId,
          amount,
          currency: settlement.currency,
        })
      : { reference: null };
  const payout = { id: settlement.id, amount, bankReference: paid.reference, paidAt: now.toISOString() };
  const recorded = await deps.store.recordPayout(
    settlement,
    payout,
    payoutEntries(settlement.id, amount, settlement.currency as CurrencyCode),
  );
  if (recorded) return { ...settlement, status: 'paid', payout, updatedAt: payout.paidAt };
  // A concurrent attempt recorded it first: answer what it recorded.
  return (await deps.store.settlementAt(ref.merchantId, ref.periodEnd, ref.currency)) ?? settlement;
}

/** The `SettlementCompleted` detail of a settlement (the state machine puts it on the bus itself). */
export function settlementCompletedDetail(s: SettlementItem) {
  return {
    eventId: eventIdOf('SettlementCompleted', s.id),
    occurredAt: s.updatedAt,
    merchantId: s.merchantId,
    version: 1 as const,
    data: { settlement: settlementFromItem(s) },
  };
}

/** The settlement as the API shows it (contract: Settlement). */
export function settlementFromItem(s: SettlementItem) {
  return {
    id: s.id,
    object: 'settlement' as const,
    merchantId: s.merchantId,
    currency: s.currency,
    periodEnd: s.periodEnd,
    grossAmount: s.grossAmount,
    refundedAmount: s.refundedAmount,
    feeAmount: s.feeAmount,
    netAmount: s.netAmount,
    paymentCount: s.paymentCount,
    refundCount: s.refundCount,
    status: s.status,
    payout: s.payout,
    createdAt: s.createdAt,
  };
}
