/**
 * A payment's event timeline, derived from what its item and its refunds hold today: the events the
 * stream publisher put on the bus for them, same ids, detail-types, `occurredAt` and `detail`, without a
 * record written per event (docs/architecture.md, "Ops console routes").
 *
 * How: each write that announced an event left its time on the item (`createdAt`; the last attempt's `at`
 * for the outcome; `risk.assessedAt`; `reviewedAt`; a refund's `updatedAt`), and none of what an event
 * carries changes after it, except what later writes add on top (refunds, risk). So the images the stream
 * carried are rebuilt, oldest first, and handed to the publisher's own pure derivation (derive.ts): the
 * same function decides which events a change announces, so the two cannot drift apart.
 *
 * Limits: items written before `attempts` existed (no attempt time) date their outcome by `updatedAt`,
 * which a later refund or assessment may have moved; an assessment and an outcome written in the same
 * millisecond are ordered outcome first. Each write is dated by the time its writer took just before it
 * (core stamps `risk.assessedAt` when it applies the assessment, decision-writes.ts), so an assessment and
 * an outcome written by two functions within one call's latency of each other may be ordered as their
 * writers took their times rather than as the table committed them. Until 2026-12-07 the assessment
 * carried the time risk scored it, seconds before core wrote it: a payment that succeeded in between was
 * rebuilt with its risk already on it in PaymentSucceeded, and its RiskAssessed dated before the write
 * that announced it. Payments assessed before then keep that time.
 */
import type { PaymentsEvent } from '../schemas/events.js';
import { type PaymentItem, type RefundItem, storedRouting } from '../store/items.js';
import { decodeAttempt } from '../store/payment-codec.js';
import { eventsFromChange } from './derive.js';

/** The payment item with the risk-control attributes it may carry. */
export type TimelinePaymentItem = PaymentItem & { reviewStatus?: string; reviewedAt?: string };

/** One event of the timeline, ordered by `at` then by the order its write announced it. */
interface Dated {
  readonly at: string;
  readonly seq: number;
  readonly event: PaymentsEvent;
}

/** The payment's and its refunds' events, oldest first. Pure. */
export function timelineOf(payment: TimelinePaymentItem, refunds: readonly RefundItem[]): PaymentsEvent[] {
  const dated: Dated[] = [];
  const add = (events: PaymentsEvent[]) => {
    for (const event of events) dated.push({ at: event.detail.occurredAt, seq: dated.length, event });
  };
  add(paymentEvents(payment));
  for (const refund of refunds) add(refundEvents(refund));
  return dated.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq)).map(({ event }) => event);
}

/** Whether the payment failed at create (no channel would take it): it was inserted `failed`. */
function failedAtCreate(item: PaymentItem): boolean {
  return (item.rt !== undefined || item.routing !== undefined) && storedRouting(item).chosen === null;
}

/** When the write that gave the payment its current status was committed. */
function statusTime(item: TimelinePaymentItem): string {
  if (item.status === 'canceled') return item.reviewedAt ?? item.risk?.assessedAt ?? item.updatedAt;
  // A capture stamps its settlement key with its commit time (and stores no attempt of its own: the
  // answer derives it from that key); a failure appends its attempt last, stamped as committed.
  if (item.status === 'succeeded' && item.GSI2SK) return item.GSI2SK.slice(0, item.GSI2SK.indexOf('#'));
  const last = item.attempts?.at(-1);
  return last !== undefined ? decodeAttempt(last).at : item.updatedAt;
}

function paymentEvents(item: TimelinePaymentItem): PaymentsEvent[] {
  const atCreate = failedAtCreate(item);
  const {
    risk: _risk,
    reviewStatus: _review,
    reviewedAt: _reviewedAt,
    attempts: _attempts,
    channelReference: _reference,
    failureCode: _failure,
    // The capture's commit time: the answer derives the success attempt from it, so it is the outcome's.
    GSI2SK: _settled,
    ...stable
  } = item;
  const inserted: TimelinePaymentItem = {
    ...stable,
    status: atCreate ? 'failed' : 'processing',
    ...(atCreate && item.failureCode ? { failureCode: item.failureCode } : {}),
    channel: (storedRouting(item).chosen ?? item.channel) as PaymentItem['channel'],
    amountRefunded: 0,
    refundableRemaining: item.amount,
    updatedAt: item.createdAt,
  };
  if (!inserted.channel) delete (inserted as Partial<PaymentItem>).channel;
  const events = eventsFromChange({ eventName: 'INSERT', newImage: inserted as never });

  const changes: { at: string; apply: (image: TimelinePaymentItem) => TimelinePaymentItem }[] = [];
  const statusChanged = item.status !== inserted.status;
  const riskCanceled = item.status === 'canceled' && !item.reviewedAt && item.risk !== undefined;
  if (statusChanged && !riskCanceled) {
    const at = statusTime(item);
    changes.push({ at, apply: (image) => ({ ...image, ...outcomeOf(item), updatedAt: at }) });
  }
  if (item.risk) {
    const risk = item.risk;
    const at = risk.assessedAt ?? item.updatedAt;
    changes.push({
      at,
      apply: (image) => ({ ...image, risk, ...(riskCanceled ? outcomeOf(item) : {}), updatedAt: at }),
    });
  }
  // Stable: an outcome and an assessment of the same millisecond keep the order pushed (outcome first).
  changes.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  let image = inserted;
  for (const change of changes) {
    const next = change.apply(image);
    events.push(
      ...eventsFromChange({ eventName: 'MODIFY', oldImage: image as never, newImage: next as never }),
    );
    image = next;
  }
  return events;
}

/** What the write that applied the payment's final status set: status, channel, reference, attempts. */
function outcomeOf(item: TimelinePaymentItem): Partial<TimelinePaymentItem> {
  const outcome: Partial<TimelinePaymentItem> = { status: item.status, channel: item.channel };
  if (item.channelReference !== undefined) outcome.channelReference = item.channelReference;
  if (item.attempts !== undefined) outcome.attempts = item.attempts;
  if (item.failureCode !== undefined) outcome.failureCode = item.failureCode;
  if (item.GSI2SK !== undefined) outcome.GSI2SK = item.GSI2SK;
  return outcome;
}

function refundEvents(item: RefundItem): PaymentsEvent[] {
  const { channelReference: _reference, lastChannelEventId: _event, outcomeAt: _outcome, ...stable } = item;
  const inserted: RefundItem = { ...stable, status: 'pending', updatedAt: item.createdAt };
  const events = eventsFromChange({ eventName: 'INSERT', newImage: inserted as never });
  if (item.status !== 'pending')
    events.push(
      ...eventsFromChange({ eventName: 'MODIFY', oldImage: inserted as never, newImage: item as never }),
    );
  return events;
}
