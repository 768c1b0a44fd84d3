/**
 * Submits new payments and refunds to their channels (contract: "Routing and channel health"), with
 * everything injected so each decision is tested without a network or a table:
 * - a payment goes to the channel it is at now (`channel`), read again before the first submission
 *   (strongly consistent, from core's object-states function, asked once for the whole stream batch: see
 *   `needsState`): a retried stream batch carries the image of the insert, and the payment may have
 *   failed over since; submitting again to a channel it left could let two channels take it. A write per
 *   submission to claim it would cost more than the read and prove no more;
 * - unavailable (or unknown, then `not_found` by a status query) → the next of `routing.candidates`,
 *   at most `MAX_FAILOVERS` more, each move a guarded write (status processing AND channel = the one
 *   left): of two dispatchers of one payment only one moves it, and only that one submits further; the
 *   same write moves the payment's daily quota count to the next channel (`quotaMoveOf`);
 * - declined → `failed` with `failureCode: 'declined'`; no candidate left → `channel_unavailable`;
 * - unknown that a query cannot settle → left processing: the first channel may have it, so it is never
 *   submitted elsewhere; the delayed check (checker.ts) asks again later.
 * Breaker: a channel whose breaker is not closed gets the payment only if it is elected the half-open
 * probe; denied, it is passed over as unavailable without counting a failure.
 */
import type { BreakerEvent, BreakerPositionName } from '../domain/breaker.js';
import { MAX_FAILOVERS } from '../domain/routing/state.js';
import type { Channel } from '../schemas/channels.js';
import type { DispatchStore, FailOverInput } from '../store/dynamodb/channel-dispatch.js';
import { decodeRouting } from '../store/payment-codec.js';
import type { ChannelOutcome, ChannelOutcomeStore } from '../store/ports.js';
import type { QueryResult } from './protocol.js';
import { type ChannelTransactions, outcomeHint } from './types.js';

/** The breaker store's port (channel-breakers.ts implements it; both calls fail open). */
export interface BreakerRecorder {
  record(channel: Channel, event: BreakerEvent): Promise<void>;
  claimProbe(channel: Channel, at: number): Promise<boolean>;
}

/** Unavailability seen in one batch, for channel health: one call per batch, never per payment. */
export interface UnavailableCount {
  readonly channel: string;
  readonly merchantId: string;
  readonly currency: string;
  readonly n: number;
}

/** A later status check of a submission the channel has not answered yet (checker.ts). */
export interface ChannelCheck {
  readonly kind: 'payment' | 'refund';
  readonly reference: string;
  readonly paymentId: string;
  readonly channel: string;
  readonly currency: string;
  /** 1 for the first check of this submission. */
  readonly check: number;
}

export interface DispatcherDeps {
  readonly adapters: Readonly<Record<string, ChannelTransactions | undefined>>;
  readonly store: DispatchStore;
  readonly outcomes: Pick<ChannelOutcomeStore, 'applyPaymentOutcome' | 'applyRefundOutcome'>;
  readonly breakers: BreakerRecorder;
  /** The channel's breaker position now (routing's channel facts, cached ≤ 1 s). */
  readonly breakerPosition: (channel: string, now: number) => Promise<BreakerPositionName>;
  readonly now: () => Date;
}

/** The payment fields the dispatcher reads from the inserted item. */
export interface PaymentToDispatch {
  readonly id: string;
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly description?: string | undefined;
  readonly channel: string | null;
  /** As inserted; a status only moves on from `processing`. */
  readonly status?: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly routing?: { readonly candidates?: readonly string[] } | undefined;
  /** The routing decision in its compact stored form (store/payment-codec.ts), where `routing` is absent. */
  readonly rt?: readonly string[] | undefined;
  /** The candidates with a daily quota in its currency (set at create when a failover could move it). */
  readonly quotaChannels?: readonly string[] | undefined;
  /** ISO 8601: the day its quota count belongs to. */
  readonly createdAt?: string | undefined;
}

export interface RefundToDispatch {
  readonly id: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly channel: string | null;
  readonly sandboxOutcome?: string | undefined;
  /** The payment's whole amount and its channel id, copied on the refund at create (refunds store). */
  readonly paymentAmount?: number | undefined;
  readonly paymentChannelReference?: string | undefined;
}

/** What one batch's dispatching leaves to do once: health counts and checks to schedule. */
export class DispatchBatch {
  readonly checks: ChannelCheck[] = [];
  private readonly unavailable = new Map<string, UnavailableCount>();

  countUnavailable(channel: string, merchantId: string, currency: string): void {
    const key = JSON.stringify([channel, merchantId, currency]);
    const n = (this.unavailable.get(key)?.n ?? 0) + 1;
    this.unavailable.set(key, { channel, merchantId, currency, n });
  }

  unavailableCounts(): UnavailableCount[] {
    return [...this.unavailable.values()];
  }
}

/** The refusal of a refund by its channel is final; anything else is retried by the stream. */
export class RefundNotTakenError extends Error {
  override readonly name = 'RefundNotTakenError';
}

type Step = 'taken' | 'declined' | 'unavailable' | 'left';

/**
 * The quota count a failover from `from` to `to` moves: off the channel left when its quota counted the
 * payment, onto the next when that one has a quota. None when neither has one (or the payment predates
 * `quotaChannels`): the failover stays one UpdateItem.
 */
export function quotaMoveOf(p: PaymentToDispatch, from: string, to: string): FailOverInput['quota'] {
  const counted = new Set(p.quotaChannels ?? []);
  if (p.createdAt === undefined || !(counted.has(from) || counted.has(to))) return undefined;
  return {
    merchantId: p.merchantId,
    currency: p.currency,
    amount: p.amount,
    createdAt: new Date(p.createdAt),
    from: counted.has(from) ? from : undefined,
    to: counted.has(to) ? to : undefined,
  };
}

/**
 * The outcome a status query's final answer stands for, applied as the channel's notification would be
 * (the same guarded write; `eventId` names the query, so a repeat of it changes nothing twice).
 */
export function queryOutcome(
  channel: string,
  eventId: string,
  reference: string,
  q: QueryResult & { kind: 'found'; state: 'succeeded' | 'failed' },
  now: Date,
): ChannelOutcome {
  return {
    channel,
    eventId,
    reference,
    to: q.state,
    channelReference: q.channelReference,
    amount: q.amount,
    currency: q.currency,
    occurredAt: now.toISOString(),
    now,
  };
}

/**
 * Whether dispatching `p` reads where it stands first: not when it was inserted without a channel (no
 * healthy candidate) or already final. The dispatch function asks core for exactly these, once a batch.
 */
export function needsState(p: Pick<PaymentToDispatch, 'channel' | 'status'>): boolean {
  return p.channel !== null && (p.status === undefined || p.status === 'processing');
}

export function createDispatcher(deps: DispatcherDeps) {
  async function recordBreaker(channel: string, event: BreakerEvent): Promise<void> {
    await deps.breakers.record(channel as Channel, event);
  }

  /** Applies a final state a status query already knows, through the notification's guarded write. */
  async function applyFound(p: PaymentToDispatch, channel: string, q: QueryResult & { kind: 'found' }) {
    if (q.state === 'pending') return;
    await deps.outcomes.applyPaymentOutcome(
      queryOutcome(channel, `query_${channel}_${p.id}`, p.id, { ...q, state: q.state }, deps.now()),
    );
  }

  /** One submission to `channel`, with the breaker's say before and its report after. */
  async function submitTo(p: PaymentToDispatch, channel: string, batch: DispatchBatch): Promise<Step> {
    const adapter = deps.adapters[channel];
    if (!adapter) return 'unavailable';
    const at = deps.now().getTime();
    let probe = false;
    if ((await deps.breakerPosition(channel, at)) !== 'closed') {
      if (!(await deps.breakers.claimProbe(channel as Channel, at))) return 'unavailable';
      probe = true;
    }
    const result = await adapter.submitPayment({
      reference: p.id,
      amount: p.amount,
      currency: p.currency,
      description: p.description,
      outcome: outcomeHint(p.metadata, channel),
    });
    const answered = (type: 'succeeded' | 'declined'): BreakerEvent =>
      probe ? { type: 'probe_result', at, available: true } : { type, at };
    const unavailable = async (): Promise<Step> => {
      batch.countUnavailable(channel, p.merchantId, p.currency);
      await recordBreaker(
        channel,
        probe ? { type: 'probe_result', at, available: false } : { type: 'unavailable', at },
      );
      return 'unavailable';
    };
    switch (result.kind) {
      case 'accepted':
        // A healthy submission writes nothing, the breaker included; only a probe's answer changes it.
        if (probe) await recordBreaker(channel, answered('succeeded'));
        return 'taken';
      case 'declined':
        await recordBreaker(channel, answered('declined'));
        return 'declined';
      case 'unavailable':
        return unavailable();
      case 'unknown': {
        const q = await adapter.queryPayment({
          reference: p.id,
          currency: p.currency,
          submittedAt: new Date(at),
        });
        if (q.kind === 'not_found') return unavailable();
        if (q.kind !== 'found') return 'left';
        if (probe) await recordBreaker(channel, answered('succeeded'));
        await applyFound(p, channel, q);
        return 'taken';
      }
    }
  }

  /**
   * Dispatches one inserted payment. @returns the channels it was submitted to, in order (for logs).
   */
  async function dispatchPayment(p: PaymentToDispatch, batch: DispatchBatch): Promise<string[]> {
    if (!needsState(p)) return [];
    const current = await deps.store.readPayment(p.id);
    if (current?.status !== 'processing' || current.channel === null) return [];
    const left = new Set(current.left ?? []);
    const candidates = p.rt ? decodeRouting(p.rt).candidates : (p.routing?.candidates ?? []);
    const order = candidates.slice(0, 1 + MAX_FAILOVERS);
    let channel = current.channel;
    const sent: string[] = [];
    for (;;) {
      // Never again to a channel it already left (defensive: the guarded moves only go forward).
      if (left.has(channel)) return sent;
      const step = await submitTo(p, channel, batch);
      sent.push(channel);
      if (step === 'taken' || step === 'left') {
        batch.checks.push({
          kind: 'payment',
          reference: p.id,
          paymentId: p.id,
          channel,
          currency: p.currency,
          check: 1,
        });
        return sent;
      }
      const at = deps.now();
      if (step === 'declined') {
        await deps.store.failPayment({
          paymentId: p.id,
          channel,
          failureCode: 'declined',
          attempt: 'declined',
          at,
        });
        return sent;
      }
      const index = order.indexOf(channel);
      const next = index >= 0 ? order[index + 1] : undefined;
      if (next === undefined) {
        await deps.store.failPayment({
          paymentId: p.id,
          channel,
          failureCode: 'channel_unavailable',
          attempt: 'unavailable',
          at,
        });
        return sent;
      }
      // Lost: another dispatcher moved it first, and only that one goes on.
      const quota = quotaMoveOf(p, channel, next);
      if (!(await deps.store.failOver({ paymentId: p.id, from: channel, to: next, at, quota }))) return sent;
      left.add(channel);
      channel = next;
    }
  }

  /**
   * Submits one inserted refund to its payment's channel (no failover: the payment is there).
   * @throws RefundNotTakenError when the channel did not take it (the stream retries the batch).
   */
  async function dispatchRefund(r: RefundToDispatch, batch: DispatchBatch): Promise<void> {
    const adapter = r.channel ? deps.adapters[r.channel] : undefined;
    if (!adapter || !r.channel) throw new RefundNotTakenError(`no adapter for channel ${r.channel}`);
    const result = await adapter.submitRefund({
      reference: r.id,
      paymentReference: r.paymentId,
      // Refunds created before the payment's amount was copied on them: the refund's is the best known.
      paymentAmount: r.paymentAmount ?? r.amount,
      paymentChannelReference: r.paymentChannelReference,
      amount: r.amount,
      currency: r.currency,
      outcome: r.sandboxOutcome,
    });
    const check: ChannelCheck = {
      kind: 'refund',
      reference: r.id,
      paymentId: r.paymentId,
      channel: r.channel,
      currency: r.currency,
      check: 1,
    };
    if (result.kind === 'declined') {
      await deps.store.failRefund({
        refundId: r.id,
        paymentId: r.paymentId,
        channel: r.channel,
        amount: r.amount,
        at: deps.now(),
      });
      return;
    }
    // Scheduled whatever happens next: if every retry of the batch fails, the check still resolves it.
    batch.checks.push(check);
    if (result.kind !== 'accepted') throw new RefundNotTakenError(`${result.kind}: ${result.message}`);
  }

  return { dispatchPayment, dispatchRefund };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
