/**
 * Two figures of a measured lifecycle window (lifecycle.ts), for results.json and the printed report:
 * the hot-key table with the single-merchant and single-channel ceilings (hot-keys.ts), and Lambda
 * duration modelled from CPU time and calls (lambda-model.ts) next to the wall time the runtime measured.
 */
import type { CallerDriver, ContainerDrivers } from './container-reads.js';
import type { PriceFile } from './cost.js';
import {
  ceilingOf,
  hotKeyTable,
  SINGLE_CHANNEL_SCOPES,
  SINGLE_MERCHANT_SCOPES,
  WRITE_UNITS_PER_SECOND_PER_KEY,
} from './hot-keys.js';
import { lambdaModelOf, modelFunction } from './lambda-model.js';
import type { LifecycleMeasurement } from './lifecycle.js';
import { round } from './stats.js';

const rate = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);

export const GOAL_PAYMENTS_PER_SECOND = 20_000;

/** Per key pattern, units per lifecycle, and the ceilings (payments a second) they set. */
export function hotKeyFigures(m: LifecycleMeasurement, prices: PriceFile) {
  const n = m.options.lifecycles;
  const rows = hotKeyTable(m.dynamo.keys, n, containerDrivers(m, prices));
  const merchant = ceilingOf(rows, SINGLE_MERCHANT_SCOPES);
  const channel = ceilingOf(rows, SINGLE_CHANNEL_SCOPES);
  const ceiling = (c: typeof merchant) => ({
    paymentsPerSecond: rate(c.paymentsPerSecond),
    limitingKey: c.limitingKey,
    limitedBy: c.limitedBy,
    goal: GOAL_PAYMENTS_PER_SECOND,
    goalMet: c.paymentsPerSecond >= GOAL_PAYMENTS_PER_SECOND,
  });
  return {
    lifecycles: n,
    method:
      `Every DynamoDB call's partition keys (table and each GSI written or queried), units per key over ${n} lifecycles of one merchant. ` +
      `A pattern's load is its busiest key's units per lifecycle, or the mean over the keys touched when an even spread’s busiest key (Poisson, as many keys) reaches that count with a chance ≥ 0.001; ` +
      `ceiling = min(${WRITE_UNITS_PER_SECOND_PER_KEY} WCU/s ÷ write units, 3000 RCU/s ÷ read units) per lifecycle on one key. ` +
      'Keys unique to a payment or a customer never limit. Flow buckets (FLOW#) multiply with the merchant’s limits: U units per payment over them spread at R payments/s over shardCount(R) keys (hot-keys.ts LIMIT_SHARDED); they are written by the gateway’s flow-lease function, one invocation per lease, counted with the other Lambda requests. ' +
      'Reads behind per-container caches (MER#, RISK#, ROUTING#, WEBHOOKS#, KEY#, CHANNEL#, HLT#: container-reads.ts) grow with containers: units per container-second measured × containers at the rate (Little’s law on the modelled duration). ' +
      'RISK#, ROUTING#, CHANNEL# and HLT# reads for create-payment are made by the owners’ functions it invokes on a cache miss (merchant-risk-profile, routing-config, channel-facts): attributed to those functions, scaled by create-payment’s containers (drivenBy); their invocations are counted and priced as Lambda invocations. ' +
      'Keys written once per batch are counted at the bench rate (see lifecyclesPerSecond), an upper bound at higher rates.',
    singleMerchantCeiling: ceiling(merchant),
    singleChannelCeiling: ceiling(channel),
    patterns: rows.map((r) => ({
      pattern: r.pattern,
      scope: r.scope,
      keys: r.keys,
      writeUnitsPerLifecycle: round(r.writeUnitsPerLifecycle, 3),
      readUnitsPerLifecycle: round(r.readUnitsPerLifecycle, 3),
      writeUnitsPerKeyPerLifecycle: round(r.writeUnitsPerKeyPerLifecycle, 4),
      readUnitsPerKeyPerLifecycle: round(r.readUnitsPerKeyPerLifecycle, 4),
      paymentsPerSecond: rate(r.paymentsPerSecond),
      limitedBy: r.limitedBy,
      ...(r.model && { model: r.model }),
      ...(r.containers && {
        containers: Object.fromEntries(
          Object.entries(r.containers).map(([caller, c]) => [
            caller,
            {
              ...(c.drivenBy && { drivenBy: c.drivenBy }),
              environments: c.environments,
              readUnitsPerContainerSecond: round(c.readUnitsPerContainerSecond, 4),
              invocationsPerContainerSecond: round(c.invocationsPerContainerSecond, 2),
              modelledSecondsPerInvocation: round(c.secondsPerInvocation, 4),
              containersAtGoal: round(
                Math.max(1, GOAL_PAYMENTS_PER_SECOND * c.invocationsPerPayment * c.secondsPerInvocation),
                0,
              ),
            },
          ]),
        ),
      }),
      ...(r.busiestWriteKey && { busiestWriteKey: r.busiestWriteKey }),
      byCaller: Object.fromEntries(
        Object.entries(r.byCaller).map(([caller, u]) => [
          caller,
          { writeUnits: round(u.writeUnits, 4), readUnits: round(u.readUnits, 4) },
        ]),
      ),
    })),
  };
}

/** What drives each function's containers in the window (container-reads.ts). */
function containerDrivers(m: LifecycleMeasurement, prices: PriceFile): ContainerDrivers {
  const model = lambdaModelOf(prices);
  const n = m.options.lifecycles;
  const callers: Record<string, CallerDriver> = {};
  for (const [fn, tally] of Object.entries(m.metering.lambda)) {
    const f = modelFunction(tally, model);
    if (!f) continue;
    callers[fn] = {
      environments: m.environments[fn] ?? 1,
      invocationsPerPayment: f.invocations / n,
      secondsPerInvocation: (f.cpuMs + f.waitMs) / f.invocations / 1000,
    };
  }
  return {
    callers,
    spanSeconds: Math.max(1, m.createSpanMs) / 1000,
    paymentsPerSecond: 1000 / m.options.intervalMs,
  };
}

/** Lambda GB-s per lifecycle, modelled, by function, with the measured wall time beside it. */
export function lambdaFigures(m: LifecycleMeasurement, prices: PriceFile) {
  const model = lambdaModelOf(prices);
  const n = m.options.lifecycles;
  const byFunction: Record<string, object> = {};
  let gbSeconds = 0;
  let wallGbSeconds = 0;
  const byCallType: Record<string, number> = {};
  let cpuGbSeconds = 0;
  for (const [fn, tally] of Object.entries(m.metering.lambda).sort(([a], [b]) => a.localeCompare(b))) {
    wallGbSeconds += (tally.memoryMb / 1024) * (tally.billedMs / 1000);
    const f = modelFunction(tally, model);
    if (!f) throw new Error(`${fn}: no invocation usage measured (is the runtime's metering current?)`);
    gbSeconds += f.gbSeconds;
    cpuGbSeconds += (f.memoryMb / 1024) * (f.cpuMs / 1000);
    for (const [type, count] of Object.entries(f.calls)) byCallType[type] = (byCallType[type] ?? 0) + count;
    byFunction[fn] = {
      memoryMb: f.memoryMb,
      invocationsPerLifecycle: round(f.invocations / n, 3),
      measuredCpuMsPerInvocation: round(f.measuredCpuMs / f.invocations, 2),
      modelledMsPerInvocation: round((f.cpuMs + f.waitMs) / f.invocations, 2),
      callsPerInvocation: Object.fromEntries(
        Object.entries(f.calls).map(([type, count]) => [type, round(count / f.invocations, 2)]),
      ),
      billedMsPerLifecycle: round(f.billedMs / n, 2),
      wallMsPerInvocation: round(tally.durationMs / Math.max(1, tally.invocations), 2),
    };
  }
  return {
    gbSecondsPerLifecycle: gbSeconds / n,
    figures: {
      model:
        'billed ms per invocation = ceil(measured CPU ms × max(1, 1769 MB ÷ memory) + Σ calls × latency per call type × overlap share (time with a call in flight ÷ the calls’ summed time, measured)), at the function’s memory (docs/prices.json assumptions)',
      latencyMs: model.latencyMs,
      gbSecondsPerLifecycle: round(gbSeconds / n, 6),
      cpuGbSecondsPerLifecycle: round(cpuGbSeconds / n, 6),
      wallClockGbSecondsPerLifecycle: round(wallGbSeconds / n, 6),
      callsPerLifecycle: Object.fromEntries(Object.entries(byCallType).map(([t, c]) => [t, round(c / n, 3)])),
      byFunction,
    },
  };
}

type HotKeys = ReturnType<typeof hotKeyFigures>;

/** The ceilings and the top of the per-pattern table. */
export function printHotKeys(h: HotKeys, top = 12): void {
  const fmt = (x: number | null) => (x === null ? '∞' : x.toLocaleString('en'));
  const c = (label: string, x: HotKeys['singleMerchantCeiling']) =>
    console.log(
      `${label} ${fmt(x.paymentsPerSecond)} payments/s, limited by ${x.limitingKey} (${x.limitedBy})  goal ≥ ${x.goal.toLocaleString('en')}: ${x.goalMet ? 'met' : 'NOT met'}`,
    );
  console.log(`\nhot keys (${h.lifecycles} lifecycles of one merchant)`);
  c('single-merchant ceiling   ', h.singleMerchantCeiling);
  c('single-channel ceiling    ', h.singleChannelCeiling);
  console.log(
    `  ${'key pattern'.padEnd(44)} ${'scope'.padEnd(8)} keys  WRU/lc  RRU/lc  WRU/key  RRU/key   payments/s`,
  );
  for (const r of h.patterns.slice(0, top)) {
    console.log(
      `  ${r.pattern.padEnd(44)} ${r.scope.padEnd(8)} ${String(r.keys).padStart(4)} ${r.writeUnitsPerLifecycle.toFixed(2).padStart(7)} ${r.readUnitsPerLifecycle.toFixed(2).padStart(7)} ${r.writeUnitsPerKeyPerLifecycle.toFixed(3).padStart(8)} ${r.readUnitsPerKeyPerLifecycle.toFixed(3).padStart(8)} ${fmt(r.paymentsPerSecond).padStart(12)}`,
    );
  }
}

export function printLambdaModel(l: ReturnType<typeof lambdaFigures>['figures']): void {
  console.log(
    `\nLambda duration, modelled: ${l.gbSecondsPerLifecycle} GB-s per lifecycle (CPU share ${l.cpuGbSecondsPerLifecycle}; wall time measured here ${l.wallClockGbSecondsPerLifecycle}, not used)`,
  );
  console.log(
    `  calls per lifecycle ${JSON.stringify(l.callsPerLifecycle)} at ${JSON.stringify(l.latencyMs)} ms`,
  );
  for (const [fn, f] of Object.entries(l.byFunction)) console.log(`  ${fn.padEnd(44)} ${JSON.stringify(f)}`);
}
