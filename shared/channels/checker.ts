/**
 * No payment or refund stays processing for good: every submission the channel has not settled yet is
 * checked once its channel's bound has passed (a delayed message, docs/architecture.md "Channel checks").
 * A check reads the object (core's object-states function, asked once per queue batch: `objectRefOf`);
 * still processing at the same channel, it asks the channel (status query) and applies what it learns
 * through the guarded transitions a notification uses:
 * - found succeeded / failed → the outcome store's write (as a notification: attempts, indexes);
 * - not_found → the submission was lost: a payment fails with `channel_unavailable` (not failed over: a
 *   bound later the customer has long gone, and a channel such as Alipay only creates a trade once it is
 *   scanned, so "not found" is no proof nothing will be taken), a refund fails and releases its amount;
 * - found pending, or the query failed → checked again a bound later, up to `maxChecks`, then handed to
 *   ops (the checks' dead-letter queue, watched by its depth alarm).
 */
import type { ObjectRef } from '../internal/object-states.js';
import type { DispatchStore } from '../store/dynamodb/channel-dispatch.js';
import type { ChannelOutcomeStore } from '../store/ports.js';
import { type ChannelCheck, queryOutcome } from './dispatcher.js';
import type { QueryResult } from './protocol.js';
import type { ChannelTransactions } from './types.js';

export interface CheckerDeps {
  readonly adapters: Readonly<Record<string, ChannelTransactions | undefined>>;
  readonly store: Pick<DispatchStore, 'readPayment' | 'readRefund' | 'failPayment' | 'failRefund'>;
  readonly outcomes: Pick<ChannelOutcomeStore, 'applyPaymentOutcome' | 'applyRefundOutcome'>;
  readonly now: () => Date;
  /** Checks of one submission, the first included. */
  readonly maxChecks: number;
  /** Sends the next check (delayed by the channel's bound). */
  readonly reschedule: (check: ChannelCheck) => Promise<void>;
  /** Hands an unresolved check to ops. */
  readonly unresolved: (check: ChannelCheck, why: string) => Promise<void>;
}

/** What a check did: nothing to do, settled, asked again later, or handed to ops. */
export type CheckResult = 'settled' | 'resolved' | 'rechecked' | 'unresolved';

/** The object a check reads, as core's object-states function is asked for it. */
export function objectRefOf(c: ChannelCheck): ObjectRef {
  return c.kind === 'payment'
    ? { kind: 'payment', id: c.reference }
    : { kind: 'refund', id: c.reference, paymentId: c.paymentId };
}

export function createChecker(deps: CheckerDeps) {
  async function read(c: ChannelCheck) {
    // Eventually consistent (half the price, the check function's choice for its batch): a stale view
    // costs at most a query, and every write is guarded.
    return c.kind === 'payment'
      ? deps.store.readPayment(c.reference)
      : deps.store.readRefund(c.reference, c.paymentId);
  }

  async function query(c: ChannelCheck, adapter: ChannelTransactions): Promise<QueryResult> {
    return c.kind === 'payment'
      ? adapter.queryPayment({ reference: c.reference, currency: c.currency })
      : adapter.queryRefund({ reference: c.reference, paymentReference: c.paymentId, currency: c.currency });
  }

  async function lost(c: ChannelCheck, amount: number | undefined): Promise<void> {
    const at = deps.now();
    if (c.kind === 'payment') {
      await deps.store.failPayment({
        paymentId: c.reference,
        channel: c.channel,
        failureCode: 'channel_unavailable',
        attempt: 'unavailable',
        at,
      });
      return;
    }
    if (amount === undefined) return;
    await deps.store.failRefund({
      refundId: c.reference,
      paymentId: c.paymentId,
      channel: c.channel,
      amount,
      at,
    });
  }

  async function again(c: ChannelCheck, why: string): Promise<CheckResult> {
    if (c.check >= deps.maxChecks) {
      await deps.unresolved(c, why);
      return 'unresolved';
    }
    await deps.reschedule({ ...c, check: c.check + 1 });
    return 'rechecked';
  }

  /** One check. @throws when the table or the queue failed (the message is received again). */
  async function check(c: ChannelCheck): Promise<CheckResult> {
    const current = await read(c);
    const open = c.kind === 'payment' ? 'processing' : 'pending';
    // Settled meanwhile, or moved to another channel (whose submission has its own check).
    if (current?.status !== open || current.channel !== c.channel) return 'settled';
    const adapter = deps.adapters[c.channel];
    if (!adapter) return again(c, `no adapter for channel ${c.channel}`);
    const q = await query(c, adapter);
    if (q.kind === 'not_found') {
      await lost(c, current.amount);
      return 'resolved';
    }
    if (q.kind !== 'found') return again(c, `status query ${q.kind}: ${q.message}`);
    if (q.state === 'pending') return again(c, 'still pending at the channel');
    const outcome = queryOutcome(
      c.channel,
      `check_${c.channel}_${c.reference}`,
      c.reference,
      { ...q, state: q.state },
      deps.now(),
    );
    if (c.kind === 'payment') await deps.outcomes.applyPaymentOutcome(outcome);
    else await deps.outcomes.applyRefundOutcome(outcome);
    return 'resolved';
  }

  return { check };
}
