/**
 * Reads that grow with containers, not payments: what a function reads behind a per-container cache (the
 * API key `KEY#`, the merchant's record and signing settings `MER#`, its risk profile `RISK#`, routing
 * configuration `ROUTING#` and webhook endpoints `WEBHOOKS#`, each under its owning service's prefix,
 * the channels' records `CHANNEL#` and outcome windows `HLT#` for routing). A container refreshes each
 * entry about once per TTL (shared/store/container-cache.ts, 80 % of the TTL) whatever its traffic, so at
 * the bench's rate such a key's reads per payment say little about 20,000 payments a second: there, each
 * container is busier, and there are more of them.
 *
 * Some of these reads are made by the owner's function on behalf of the function that caches the answer
 * (INVOKED_FOR_CACHES: create-payment asks risk's `merchant-risk-profile` and the channels'
 * `routing-config` and `channel-facts` on a miss of its caches). The metering sees them under the owner's
 * function, which caches nothing: its reads follow the invoking function's containers (one invocation per
 * cache miss or refresh of each), not its own, so they are scaled by the invoker's driver. The
 * invocations themselves are Lambda invocations of the owner's function, counted and priced as measured
 * (lifecycle-figures.ts), and a Lambda call of the invoker's duration (lambda-model.ts).
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
  'CHANNEL#<channel>',
  'HLT#<channel>#USD#<merchant>#<hour>#<shard>',
  'HLT#<channel>#USD#<hour>#<shard>',
]);

/**
 * Owners' functions whose reads answer another function's per-container caches, by construct id (a
 * logical id less its 8-character hash ends with it) → the invoking function's construct id.
 */
export const INVOKED_FOR_CACHES: Readonly<Record<string, string>> = {
  MerchantRiskProfileFunction: 'CreatePaymentFunction',
  RoutingConfigFunction: 'CreatePaymentFunction',
  ChannelFactsFunction: 'CreatePaymentFunction',
};

const constructIdOf = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

/** The function whose containers drive `caller`'s reads: its invoker (INVOKED_FOR_CACHES), else itself. */
export function readDriverOf(caller: string, callers: Iterable<string>): string {
  const id = constructIdOf(caller);
  const invoker = Object.entries(INVOKED_FOR_CACHES).find(([owner]) => id.endsWith(owner))?.[1];
  if (!invoker) return caller;
  for (const candidate of callers) if (constructIdOf(candidate).endsWith(invoker)) return candidate;
  return caller;
}

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
  /** The function whose containers drive these reads when not the caller itself (INVOKED_FOR_CACHES). */
  readonly drivenBy?: string;
  readonly readUnitsPerContainerSecond: number;
  readonly invocationsPerContainerSecond: number;
  readonly environments: number;
  readonly secondsPerInvocation: number;
  readonly invocationsPerPayment: number;
}

/**
 * Per caller, read units per container-second of the function that drives them (the caller, or the
 * function that invoked it for its cache: `readDriverOf`), from the units it spent over the window
 * (`readUnits`, totals, not per lifecycle). Callers without a driver are left out (none are expected).
 */
export function callerReads(
  readUnits: Readonly<Record<string, number>>,
  drivers: ContainerDrivers,
): Record<string, CallerReads> {
  const out: Record<string, CallerReads> = {};
  for (const [caller, units] of Object.entries(readUnits)) {
    const driver = readDriverOf(caller, Object.keys(drivers.callers));
    const d = drivers.callers[driver];
    if (!d || units <= 0) continue;
    const environments = Math.max(1, d.environments);
    out[caller] = {
      ...(driver !== caller && { drivenBy: driver }),
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
