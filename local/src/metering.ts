/**
 * Optional operation counting for the local runtime (`startLocalRuntime({ metering })`), for the bench's
 * cost model: what the emulated AWS services would bill. Absent, nothing is counted and nothing changes.
 *
 * - HTTP API: one request per matched route (API Gateway bills every request it receives).
 * - Lambda: invocations, handler duration (measured around the invocation inside the environment, not
 *   the wait for a free environment) and cold starts, per function, with the template's memory size.
 * - EventBridge: PutEvents calls, entries, 64 KB chunks per entry (the billing unit), archived bytes,
 *   rule deliveries, and a log of accepted events (time, detail-type, detail) for latency figures.
 * - SQS, by who calls: the functions through the endpoint (by action), EventBridge delivering to a
 *   queue target (a SendMessage to the queue), and the Lambda pollers (receives that returned messages,
 *   empty receives, deleted messages and delete batches of ≤ 10). Each request counts its 64 KB chunks.
 */

import type { InvocationUsage } from './invocation-usage.js';

/** SQS and EventBridge bill payloads in 64 KB chunks. */
export const CHUNK_BYTES = 64 * 1024;

export const chunksOf = (bytes: number) => Math.max(1, Math.ceil(bytes / CHUNK_BYTES));

export interface FunctionTally {
  invocations: number;
  errors: number;
  coldStarts: number;
  /** Sum of handler durations, ms (unrounded). */
  durationMs: number;
  /** Sum of durations each rounded up to 1 ms, as Lambda bills them. */
  billedMs: number;
  memoryMb: number;
  /** Each invocation's CPU time and outgoing calls, measured in its environment (invocation-usage.ts). */
  usage: InvocationUsage[];
  /**
   * Invocations that continued their caller's X-Ray trace (an Invoke carrying `X-Amzn-Trace-Id`): an
   * actively traced function follows the caller's sampling decision there and starts no trace of its own.
   */
  continuedTraces: number;
}

export interface SqsTally {
  /** Requests by action (`SendMessage`, `ReceiveMessage`, `DeleteMessageBatch`, …). */
  requests: Record<string, number>;
  /** 64 KB chunks by action (what is billed). */
  chunks: Record<string, number>;
}

export interface AcceptedEvent {
  readonly at: number;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export interface MeteringSnapshot {
  readonly api: { requests: number; byRoute: Record<string, number> };
  readonly lambda: Record<string, FunctionTally>;
  readonly events: {
    putEventsCalls: number;
    entries: number;
    failedEntries: number;
    chunks: number;
    archivedBytes: number;
    ruleDeliveries: number;
    byDetailType: Record<string, number>;
  };
  readonly sqs: {
    /** Calls the functions made to the SQS endpoint. */
    functions: SqsTally;
    /** SendMessage by EventBridge to rule targets. */
    eventBridge: SqsTally;
    /** The Lambda event source mappings' receives and deletes. */
    pollers: SqsTally & { emptyReceives: number; messagesReceived: number; messagesDeleted: number };
  };
}

function emptySqs(): SqsTally {
  return { requests: {}, chunks: {} };
}

function emptySnapshot(): MeteringSnapshot {
  return {
    api: { requests: 0, byRoute: {} },
    lambda: {},
    events: {
      putEventsCalls: 0,
      entries: 0,
      failedEntries: 0,
      chunks: 0,
      archivedBytes: 0,
      ruleDeliveries: 0,
      byDetailType: {},
    },
    sqs: {
      functions: emptySqs(),
      eventBridge: emptySqs(),
      pollers: { ...emptySqs(), emptyReceives: 0, messagesReceived: 0, messagesDeleted: 0 },
    },
  };
}

const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

function countSqs(tally: SqsTally, action: string, bytes: number): void {
  bump(tally.requests, action);
  bump(tally.chunks, action, chunksOf(bytes));
}

/** The counters; the runtime's components call the hooks, the bench reads `snapshot()`. */
export class LocalMetering {
  private state = emptySnapshot();
  private accepted: AcceptedEvent[] = [];
  private inFlight = 0;
  /** Time of the last counted operation other than an empty receive (for quiescence checks). */
  lastActivity = Date.now();

  /** Zeroes every counter and the event log (e.g. after a warm-up). */
  reset(): void {
    this.state = emptySnapshot();
    this.accepted = [];
  }

  /** A deep copy of the counters. */
  snapshot(): MeteringSnapshot {
    return structuredClone(this.state);
  }

  /** Events accepted by the bus since the last reset, in order. */
  get events(): readonly AcceptedEvent[] {
    return this.accepted;
  }

  /** Lambda invocations running now. */
  get invocationsInFlight(): number {
    return this.inFlight;
  }

  private touch(): void {
    this.lastActivity = Date.now();
  }

  private fn(logicalId: string, memoryMb: number): FunctionTally {
    this.state.lambda[logicalId] ??= {
      invocations: 0,
      errors: 0,
      coldStarts: 0,
      durationMs: 0,
      billedMs: 0,
      memoryMb,
      usage: [],
      continuedTraces: 0,
    };
    return this.state.lambda[logicalId];
  }

  apiRequest(routeKey: string): void {
    this.touch();
    this.state.api.requests += 1;
    bump(this.state.api.byRoute, routeKey);
  }

  coldStart(fn: { logicalId: string; memorySize: number }): void {
    this.fn(fn.logicalId, fn.memorySize).coldStarts += 1;
  }

  invocationStarted(): void {
    this.touch();
    this.inFlight += 1;
  }

  invocationEnded(
    fn: { logicalId: string; memorySize: number },
    durationMs: number,
    outcome: { readonly ok: boolean; readonly continuedTrace?: boolean; readonly usage?: InvocationUsage },
  ): void {
    this.touch();
    this.inFlight -= 1;
    const t = this.fn(fn.logicalId, fn.memorySize);
    t.invocations += 1;
    if (!outcome.ok) t.errors += 1;
    if (outcome.continuedTrace) t.continuedTraces += 1;
    t.durationMs += durationMs;
    t.billedMs += Math.max(1, Math.ceil(durationMs));
    if (outcome.usage) t.usage.push(outcome.usage);
  }

  putEvents(entries: readonly { bytes: number; accepted: boolean }[]): void {
    this.touch();
    const e = this.state.events;
    e.putEventsCalls += 1;
    for (const entry of entries) {
      e.entries += 1;
      if (!entry.accepted) e.failedEntries += 1;
      e.chunks += chunksOf(entry.bytes);
    }
  }

  eventAccepted(event: { 'detail-type': string; detail: Record<string, unknown> }, archivedBytes: number) {
    const e = this.state.events;
    bump(e.byDetailType, event['detail-type']);
    e.archivedBytes += archivedBytes;
    this.accepted.push({ at: Date.now(), detailType: event['detail-type'], detail: event.detail });
  }

  ruleDelivery(bodyBytes: number): void {
    this.state.events.ruleDeliveries += 1;
    countSqs(this.state.sqs.eventBridge, 'SendMessage', bodyBytes);
  }

  /** A call of a function to the SQS endpoint; `bytes` is the request's payload size. */
  sqsApiCall(action: string, bytes: number): void {
    this.touch();
    countSqs(this.state.sqs.functions, action, bytes);
  }

  /** One ReceiveMessage of an event source mapping's poller. */
  pollerReceive(messages: readonly { body: string }[]): void {
    const p = this.state.sqs.pollers;
    if (messages.length === 0) {
      p.emptyReceives += 1;
      return;
    }
    this.touch();
    p.messagesReceived += messages.length;
    countSqs(
      p,
      'ReceiveMessage',
      messages.reduce((n, m) => n + Buffer.byteLength(m.body), 0),
    );
  }

  /** The poller deleting `count` messages (filtered out or processed), as DeleteMessageBatch calls of ≤ 10. */
  pollerDelete(count: number): void {
    if (count <= 0) return;
    this.touch();
    const p = this.state.sqs.pollers;
    p.messagesDeleted += count;
    for (let left = count; left > 0; left -= 10) countSqs(p, 'DeleteMessageBatch', 0);
  }
}
