/**
 * Puts events on the bus: `PutEvents` requests of at most 10 entries (and under the 256 KB request
 * limit), sent one after the other in order; failed entries (`FailedEntryCount`, `Entries[i].ErrorCode`,
 * or the whole call throwing) are retried alone, with full-jitter backoff, a few times.
 *
 * Stops at the first request whose entries still fail after the last try and reports which events were
 * not published, so that the caller (the stream publisher) can hand the records back to Lambda in order.
 * EventBridge and standard SQS queues do not keep order anyway (consumers must not rely on it), but the
 * bus never accepts an object's later event before its earlier one.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { PaymentsEvent } from '../schemas/events.js';
import { EVENT_SOURCE } from './source.js';

/** EventBridge's limits on one PutEvents request. */
export const MAX_ENTRIES_PER_REQUEST = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

export interface PublishOptions {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  /** Tries per request, the first included. @default 4 */
  readonly attempts?: number;
  /** Waits before retry `attempt` (1-based). @default full jitter, 50 ms doubling, capped at 1 s */
  readonly delay?: (attempt: number) => Promise<void>;
  /** Told about each failed try (logging). */
  readonly onFailedTry?: (info: {
    attempt: number;
    failed: number;
    errorCodes: string[];
    error?: unknown;
  }) => void;
}

export interface PublishResult {
  /** Index (in the input) of the first event that could not be published, or `undefined` if all were. */
  readonly firstUnpublished?: number;
}

const fullJitter = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 50 * 2 ** attempt)));

/** The PutEvents entry of one event. */
export function entryOf(event: PaymentsEvent, eventBusName: string): PutEventsRequestEntry {
  return {
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    EventBusName: eventBusName,
  };
}

/**
 * Size of an entry as EventBridge counts it (Source, DetailType, Detail, Resources, EventBusName in UTF-8
 * bytes, plus 14 bytes when a Time is given): used to keep each request under 256 KB.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s ? Buffer.byteLength(s, 'utf8') : 0);
  return (
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    bytes(entry.EventBusName) +
    (entry.Resources ?? []).reduce((n, r) => n + bytes(r), 0) +
    (entry.Time ? 14 : 0)
  );
}

/**
 * Splits `entries` into consecutive requests of ≤ 10 entries and ≤ 256 KB, keeping their order. With
 * `keys` (the object each event is about), two events of one object never share a request: entries of
 * a request succeed or fail independently, so a payment's `PaymentSucceeded` could otherwise be
 * accepted while its `PaymentCreated` is being retried. Across requests, order holds because a request
 * is retried until it succeeds or publishing stops.
 */
export function chunkEntries(
  entries: readonly PutEventsRequestEntry[],
  keys?: readonly string[],
): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let currentKeys = new Set<string>();
  let bytes = 0;
  entries.forEach((entry, i) => {
    const size = entrySize(entry);
    const key = keys?.[i];
    if (
      current.length === MAX_ENTRIES_PER_REQUEST ||
      (current.length > 0 && bytes + size > MAX_REQUEST_BYTES) ||
      (key !== undefined && currentKeys.has(key))
    ) {
      chunks.push(current);
      current = [];
      currentKeys = new Set();
      bytes = 0;
    }
    current.push(i);
    if (key !== undefined) currentKeys.add(key);
    bytes += size;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The payment or refund an event is about (`RiskAssessed` is about its payment). */
export function objectOf(event: PaymentsEvent): string {
  const data = event.detail.data as { payment?: { id: string }; refund?: { id: string }; paymentId?: string };
  return data.payment?.id ?? data.refund?.id ?? data.paymentId ?? event.detail.eventId;
}

/** Publishes `events` in order (per object, even under partial failures); see the module comment. */
export async function publishEvents(
  events: readonly PaymentsEvent[],
  options: PublishOptions,
): Promise<PublishResult> {
  const entries = events.map((e) => entryOf(e, options.eventBusName));
  for (const chunk of chunkEntries(entries, events.map(objectOf))) {
    const unpublished = await putWithRetries(chunk, entries, options);
    if (unpublished.length > 0) return { firstUnpublished: Math.min(...unpublished) };
  }
  return {};
}

/** Sends the entries at `indexes`, retrying the failed ones; returns the indexes that never went through. */
async function putWithRetries(
  indexes: readonly number[],
  entries: readonly PutEventsRequestEntry[],
  options: PublishOptions,
): Promise<number[]> {
  const attempts = options.attempts ?? 4;
  const delay = options.delay ?? fullJitter;
  let pending = [...indexes];
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
    if (attempt > 1) await delay(attempt - 1);
    try {
      const out = await options.client.send(
        new PutEventsCommand({ Entries: pending.map((i) => entries[i] as PutEventsRequestEntry) }),
      );
      // Results are positional: Entries[i] answers request entry i (an EventId, or an ErrorCode).
      const results = out.Entries ?? [];
      const failed = pending.filter((_, i) => !results[i]?.EventId || results[i]?.ErrorCode);
      if (failed.length > 0) {
        const errorCodes = results.flatMap((r) => (r.ErrorCode ? [r.ErrorCode] : []));
        options.onFailedTry?.({ attempt, failed: failed.length, errorCodes });
      }
      pending = failed;
    } catch (error) {
      // The SDK already retried throttling and 5xx; what is left is retried here as a whole.
      options.onFailedTry?.({ attempt, failed: pending.length, errorCodes: [], error });
    }
  }
  return pending;
}
