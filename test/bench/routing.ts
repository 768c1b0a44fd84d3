/**
 * Routing decision time in process: `decideRoute` for a merchant with 10 rules over the 4 channels,
 * every channel with a breaker, quotas, fees and success statistics, payments spread over currencies,
 * amounts and countries so rules match early, late or not at all (the default). 10,000 decisions warm
 * the JIT, then 100,000 are timed one by one (hrtime, ~50 ns of its own). Goal: p99 ≤ 1 ms.
 *
 * `npm run bench:routing` prints the figures and writes them to test/bench/routing.json. The machine's
 * load average is recorded beside them: on a shared machine it explains the tail.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import {
  type ChannelStates,
  decideRoute,
  ROUTING_CHANNELS,
  type RoutePayment,
  type RoutingConfig,
  type RoutingRule,
} from '../../shared/domain/routing/index.js';
import { round, summarize } from './stats.js';

const WARM_UP = 10_000;
const DECISIONS = 100_000;
const CURRENCIES = ['USD', 'EUR', 'JPY', 'CNY', 'GBP'] as const;
const COUNTRIES = ['US', 'DE', 'FR', 'CN', 'JP', 'GB', null] as const;

/** Deterministic random numbers (mulberry32), so every run decides the same payments. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const all = [...ROUTING_CHANNELS];
const rules: RoutingRule[] = [
  {
    name: 'cny-split',
    when: { currencies: ['CNY'], amountMax: 500_000 },
    strategy: 'volume_split',
    channels: ['alipay', 'wechatpay', 'stripe', 'sandbox'],
    weights: { alipay: 50, wechatpay: 30, stripe: 15, sandbox: 5 },
  },
  { name: 'cny-large', when: { currencies: ['CNY'] }, strategy: 'lowest_fee', channels: all },
  { name: 'jp', when: { countries: ['JP'], currencies: ['JPY'] }, strategy: 'success_rate', channels: all },
  {
    name: 'eu-large',
    when: { countries: ['DE', 'FR'], amountMin: 1_000_000 },
    strategy: 'priority',
    channels: ['stripe', 'sandbox', 'alipay', 'wechatpay'],
  },
  { name: 'eu', when: { countries: ['DE', 'FR'] }, strategy: 'lowest_fee', channels: all },
  {
    name: 'gb',
    when: { currencies: ['GBP'] },
    strategy: 'success_rate',
    channels: ['stripe', 'sandbox', 'alipay', 'wechatpay'],
  },
  {
    name: 'tiny',
    when: { amountMax: 100 },
    strategy: 'priority',
    channels: ['sandbox', 'stripe', 'alipay', 'wechatpay'],
  },
  {
    name: 'us-split',
    when: { countries: ['US'], currencies: ['USD'] },
    strategy: 'volume_split',
    channels: all,
    weights: [20, 60, 10, 10],
  },
  {
    name: 'huge',
    when: { amountMin: 50_000_000 },
    strategy: 'priority',
    channels: ['stripe', 'sandbox', 'alipay', 'wechatpay'],
  },
  {
    name: 'cn-customers',
    when: { countries: ['CN'] },
    strategy: 'success_rate',
    channels: ['alipay', 'wechatpay', 'stripe', 'sandbox'],
  },
];
const config: RoutingConfig = {
  rules,
  default: { strategy: 'success_rate', channels: all },
  quotas: {
    stripe: { USD: 5_000_000_000, EUR: 2_000_000_000 },
    alipay: { CNY: 1_000_000_000 },
    sandbox: { USD: 10_000_000 },
  },
};

function feesFor(percentBps: number, fixed: number) {
  return Object.fromEntries(CURRENCIES.map((c) => [c, { percentBps, fixed }]));
}
const stats = (s: number, f: number, gs: number, gf: number) => ({
  merchant: { succeeded: s, failed: f },
  global: { succeeded: gs, failed: gf },
});
const channels: ChannelStates = {
  sandbox: {
    breaker: { state: 'closed' },
    quotaUsed: { USD: 9_990_000 },
    fees: feesFor(290, 30),
    stats: stats(5, 1, 9000, 1000),
  },
  stripe: {
    breaker: { state: 'closed' },
    quotaUsed: { USD: 1_000_000, EUR: 5_000 },
    fees: feesFor(250, 25),
    stats: stats(900, 80, 90_000, 9000),
  },
  alipay: {
    breaker: { state: 'half_open', probeAvailable: true },
    quotaUsed: { CNY: 999_000_000 },
    fees: { CNY: { percentBps: 60, fixed: 0 } },
    stats: stats(300, 10, 50_000, 2000),
  },
  wechatpay: {
    breaker: { state: 'open' },
    fees: { CNY: { percentBps: 60, fixed: 0 } },
    stats: stats(0, 0, 40_000, 3000),
  },
};

function payments(next: () => number, n: number): RoutePayment[] {
  const amounts = [50, 1_000, 10_000, 250_000, 2_000_000, 80_000_000];
  return Array.from({ length: n }, () => ({
    amount: amounts[Math.floor(next() * amounts.length)] as number,
    currency: CURRENCIES[Math.floor(next() * CURRENCIES.length)] as string,
    country: COUNTRIES[Math.floor(next() * COUNTRIES.length)] ?? null,
  }));
}

export function benchRouting() {
  const next = seeded(42);
  const warm = payments(next, WARM_UP);
  const timed = payments(next, DECISIONS);
  const randoms = Array.from({ length: DECISIONS }, next);
  for (const payment of warm) decideRoute({ payment, config, channels, random: next() });

  const micros = new Array<number>(DECISIONS);
  const byRule = new Map<string, number>();
  const started = process.hrtime.bigint();
  for (let i = 0; i < DECISIONS; i++) {
    const t0 = process.hrtime.bigint();
    const decision = decideRoute({
      payment: timed[i] as RoutePayment,
      config,
      channels,
      random: randoms[i] as number,
    });
    micros[i] = Number(process.hrtime.bigint() - t0) / 1000;
    const key = decision.rule ?? '(default)';
    byRule.set(key, (byRule.get(key) ?? 0) + 1);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  const s = summarize(micros);
  const sorted = [...micros].sort((a, b) => a - b);
  return {
    bench: 'routing decision, in process',
    rules: rules.length,
    channels: all.length,
    decisions: DECISIONS,
    microseconds: {
      p50: round(s.p50, 2),
      p90: round(s.p90, 2),
      p99: round(s.p99, 2),
      p999: round(sorted[Math.ceil(0.999 * sorted.length) - 1] as number, 2),
      max: round(sorted.at(-1) as number, 2),
      mean: round(s.mean, 2),
    },
    decisionsPerSecond: Math.round(DECISIONS / (totalMs / 1000)),
    goal: { p99Microseconds: 1000, met: s.p99 <= 1000 },
    decisionsByRule: Object.fromEntries([...byRule.entries()].sort()),
    machine: { node: process.version, cpus: cpus().length, loadAverage1m: round(loadavg()[0] ?? 0, 2) },
    measuredAt: new Date().toISOString(),
  };
}

// Run as `npm run bench:routing`; `npm run bench` imports benchRouting instead.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = benchRouting();
  const text = `${JSON.stringify(figures, null, 2)}\n`;
  writeFileSync(new URL('./routing.json', import.meta.url), text);
  process.stdout.write(text);
}
