/**
 * Reads that grow with containers, not payments: what a function reads behind a per-container cache (the
 * API key `KEY#`, the merchant's record and signing settings `MER#`, its risk profile `RISK#`, routing
 * configuration `ROUTING#` and webhook endpoints `WEBHOOKS#`, each under its owning service's prefix,
 * channel health for routing `HLT#`). A container refreshes each entry about once per TTL
 * (shared/store/container-cache.ts, 80 % of the TTL) whatever its traffic, so at the bench's rate such a
 * key's reads per payment say little about 20,000 payments a second: there, each container is busier, and
 * there are more of them.
 *
 * The model, per calling function f (docs/scale.md, "Keys read per container"):
 * - measured: the read units f spent on the pattern over the creates' span, per environment of f and per
 *   second of that span: `c_f`, units per container-second;
 * - at R payments a second, f runs `R × invocations per payment × seconds per invocation` containers
 *   (Little's law; seconds per invocation from the Lambda duration model, lambda-model.ts), at least one;
 * - reads a second on the pattern's busiest key = share × Σ_f c_f × containers_f(R), `share` the busiest
 *   key's part of the pattern's reads as measured.
 * It holds when the bench's containers are invoked well within a TTL (each then refreshes as a busy one
 * does); `invocationsPerContainerSecond` is reported so that can be checked.
 */

/** Read-only patterns behind per-container caches (reads only: their writes are counted per payment). */
export const CONTAINER_CACHED_READS: ReadonlySet<string> = new Set([
  'MER#<merchant>',
  'RISK#<merchant>',
  'ROUTING#<merchant>',
  'WEBHOOKS#<merchant>',
  'KEY#<digest>',
  'HLT#<channel>#USD#<merchant>#<hour>#<shard>',
  'HLT#<channel>#USD#<hour>#<shard>',
]);

/** What drives one function's containers in the measured window. */
export interface CallerDriver {
  /** Environments the function ran in (warm-up and window). */
  readonly environments: number;
  readonly invocationsPerPayment: number;
  /** Modelled seconds per invocation (lambda-model.ts), not the wall time against DynamoDB Local. */
  readonly secondsPerInvocation: number;
}

export interface ContainerDrivers {
  readonly callers: Readonly<Record<string, CallerDriver>>;
  /** Seconds over which the creates ran (the caches were read). */
  readonly spanSeconds: number;
  /** Payments a second the bench offered. */
  readonly paymentsPerSecond: number;
}

export interface CallerReads {
  readonly readUnitsPerContainerSecond: number;
  readonly invocationsPerContainerSecond: number;
  readonly environments: number;
  readonly secondsPerInvocation: number;
  readonly invocationsPerPayment: number;
}

/**
 * Per caller, read units per container-second, from the units it spent over the window (`readUnits`,
 * totals, not per lifecycle). Callers without a driver are left out (none are expected).
 */
export function callerReads(
  readUnits: Readonly<Record<string, number>>,
  drivers: ContainerDrivers,
): Record<string, CallerReads> {
  const out: Record<string, CallerReads> = {};
  for (const [caller, units] of Object.entries(readUnits)) {
    const d = drivers.callers[caller];
    if (!d || units <= 0) continue;
    const environments = Math.max(1, d.environments);
    out[caller] = {
      readUnitsPerContainerSecond: units / environments / drivers.spanSeconds,
      invocationsPerContainerSecond: (d.invocationsPerPayment * drivers.paymentsPerSecond) / environments,
      environments,
      secondsPerInvocation: d.secondsPerInvocation,
      invocationsPerPayment: d.invocationsPerPayment,
    };
  }
  return out;
}

/** Read units a second on the busiest key of the pattern at `rate` payments a second. */
export function containerReadsPerSecond(
  callers: Readonly<Record<string, CallerReads>>,
  share: number,
  rate: number,
): number {
  let units = 0;
  for (const c of Object.values(callers)) {
    const containers = Math.max(1, rate * c.invocationsPerPayment * c.secondsPerInvocation);
    units += c.readUnitsPerContainerSecond * containers;
  }
  return share * units;
}

/**
 * The highest rate (up to `cap`) at which the busiest key takes at most `readLimit` reads and
 * `writeLimit` writes a second, writes counted per payment (`writeUnitsPerPayment` on that key). Both
 * grow with the rate, so a binary search finds it.
 */
export function containerCeiling(
  callers: Readonly<Record<string, CallerReads>>,
  share: number,
  writeUnitsPerPayment: number,
  limits: { readonly read: number; readonly write: number; readonly cap: number },
): number {
  const fits = (rate: number) =>
    containerReadsPerSecond(callers, share, rate) <= limits.read &&
    writeUnitsPerPayment * rate <= limits.write;
  if (fits(limits.cap)) return limits.cap;
  let lo = 0;
  let hi = limits.cap;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
