/**
 * Lambda duration as AWS would bill it, modelled instead of timed: each invocation's measured CPU time
 * (its environment's thread, local/src/invocation-usage.ts), stretched by the CPU share of the function's
 * memory, plus every call it made × a documented latency for that call type, rounded up to 1 ms (Lambda's
 * billing granularity), at the function's memory. Wall time against DynamoDB Local on a shared machine
 * moved the cost figure by a third between runs; CPU time and call counts do not.
 *
 * Calls a handler overlaps (a batch's records in parallel, a payment's counters side by side) are priced
 * at the share of their time the invocation had one in flight, measured locally (`overlapShare`): ten
 * deliveries at once wait about one delivery's latency, not ten.
 * Latencies and the CPU share come from docs/prices.json (`assumptions`, each with its source).
 */
import type { FunctionTally } from '../../local/src/metering.js';
import type { PriceFile } from './cost.js';

export interface LambdaModel {
  /** Memory (MB) at which a function gets one full vCPU; below it CPU time stretches by this ÷ memory. */
  readonly fullVcpuAtMb: number;
  /**
   * ms per call: `<service>.<Operation>` first, then `<service>`, then `aws` (any other AWS service);
   * `external` for hosts that are not AWS endpoints (a PSP, a merchant's webhook endpoint).
   */
  readonly latencyMs: Readonly<Record<string, number>>;
}

const LATENCY_PREFIX = 'latencyMs.';

/** The model's figures from the price file's assumptions (`lambdaFullVcpuAtMb`, `latencyMs.*`). */
export function lambdaModelOf(file: PriceFile): LambdaModel {
  const fullVcpuAtMb = file.assumptions.lambdaFullVcpuAtMb?.value;
  if (!fullVcpuAtMb) throw new Error('price file: no assumption lambdaFullVcpuAtMb');
  const latencyMs = Object.fromEntries(
    Object.entries(file.assumptions)
      .filter(([k]) => k.startsWith(LATENCY_PREFIX))
      .map(([k, a]) => [k.slice(LATENCY_PREFIX.length), a.value]),
  );
  for (const required of ['dynamodb', 'sqs', 'eventbridge', 'aws', 'external'])
    if (latencyMs[required] === undefined) throw new Error(`price file: no assumption latencyMs.${required}`);
  return { fullVcpuAtMb, latencyMs };
}

/** The latency a call is priced at; `call` as counted in the environment (`dynamodb.PutItem`, `http <host>`). */
export function callLatencyMs(call: string, model: LambdaModel): number {
  if (call.startsWith('http ')) return model.latencyMs.external ?? 0;
  const service = call.split('.')[0] ?? call;
  return model.latencyMs[call] ?? model.latencyMs[service] ?? model.latencyMs.aws ?? 0;
}

/** The call type a call is reported under (`dynamodb`, `sqs`, `external`, …). */
export const callType = (call: string) =>
  call.startsWith('http ') ? 'external' : (call.split('.')[0] ?? call);

/**
 * The share of its calls' time an invocation waited with nothing else in flight: 1 when it made them one
 * after the other, 0.1 when ten ran side by side (a batch's records in parallel). Measured locally; 1
 * when not measured.
 */
export function overlapShare(usage: { callMs?: number; callBusyMs?: number }): number {
  if (!usage.callMs || usage.callBusyMs === undefined || usage.callMs <= 0) return 1;
  return Math.min(1, Math.max(0, usage.callBusyMs / usage.callMs));
}

/** One invocation's modelled duration and what Lambda bills for it (ms). */
export function modelledInvocation(
  usage: { cpuMs: number; calls: Readonly<Record<string, number>>; callMs?: number; callBusyMs?: number },
  memoryMb: number,
  model: LambdaModel,
) {
  const cpuMs = usage.cpuMs * Math.max(1, model.fullVcpuAtMb / memoryMb);
  const waitMs =
    Object.entries(usage.calls).reduce((s, [call, n]) => s + n * callLatencyMs(call, model), 0) *
    overlapShare(usage);
  const durationMs = cpuMs + waitMs;
  return { cpuMs, waitMs, durationMs, billedMs: Math.max(1, Math.ceil(durationMs)) };
}

export interface ModelledFunction {
  readonly invocations: number;
  readonly memoryMb: number;
  /** Measured CPU time, ms, over all invocations (before the CPU-share stretch). */
  readonly measuredCpuMs: number;
  /** CPU time as the function's memory runs it, ms. */
  readonly cpuMs: number;
  readonly waitMs: number;
  readonly billedMs: number;
  /** Calls by type (`dynamodb`, `sqs`, `eventbridge`, `external`, …), over all invocations. */
  readonly calls: Record<string, number>;
  readonly gbSeconds: number;
}

/** Σ over a function's invocations in the window; `undefined` when none was measured. */
export function modelFunction(tally: FunctionTally, model: LambdaModel): ModelledFunction | undefined {
  if (!tally.usage?.length) return undefined;
  let measuredCpuMs = 0;
  let cpuMs = 0;
  let waitMs = 0;
  let billedMs = 0;
  const calls: Record<string, number> = {};
  for (const u of tally.usage) {
    const m = modelledInvocation(u, tally.memoryMb, model);
    measuredCpuMs += u.cpuMs;
    cpuMs += m.cpuMs;
    waitMs += m.waitMs;
    billedMs += m.billedMs;
    for (const [call, n] of Object.entries(u.calls)) calls[callType(call)] = (calls[callType(call)] ?? 0) + n;
  }
  return {
    invocations: tally.usage.length,
    memoryMb: tally.memoryMb,
    measuredCpuMs,
    cpuMs,
    waitMs,
    billedMs,
    calls,
    gbSeconds: (tally.memoryMb / 1024) * (billedMs / 1000),
  };
}
