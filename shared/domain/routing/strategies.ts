/**
 * The four strategies, each ranking the healthy candidates of one payment into failover order (the
 * first is the choice) and saying why in a few words. Pure: the random number is an input.
 */
import type { RoutingChannel } from './catalogue.js';
import { type RoutingStrategy, type RoutingTarget, weightOf } from './config.js';
import { channelFeeFor } from './fees.js';
import type { ChannelStates } from './health.js';
import type { OutcomeCounts } from './success-window.js';

/**
 * Attempts below which a merchant's own rate on a channel is not trusted and the channel's rate over
 * all merchants is used instead (and below which that one is not trusted either: the channel has no
 * rate and ranks after those that have one). 20 keeps one unlucky decline from swinging a rate by more
 * than 5 points.
 */
export const MIN_RATE_ATTEMPTS = 20;

/**
 * Share of `success_rate` decisions that go to another healthy candidate than the best, so a channel
 * that recovered (or a new one) earns a rate again. The contract caps it at 10%; 5% is the default
 * hedging percent of Juspay's decision engine (success rate v3), and costs little authorization rate.
 */
export const EXPLORATION_SHARE = 0.05;

export interface Candidate {
  readonly channel: RoutingChannel;
  /** Position in the rule's `channels`: the tie-breaker of every strategy. */
  readonly index: number;
}

export type StrategyCode = 'first_healthy' | 'weighted' | 'lowest_fee' | 'best_rate' | 'exploration';

export interface Ranking {
  readonly order: RoutingChannel[];
  readonly code: StrategyCode;
  /** Why the first of `order` was chosen, in a few words. */
  readonly detail: string;
}

export interface StrategyInput {
  readonly target: RoutingTarget;
  readonly healthy: readonly Candidate[];
  readonly amount: number;
  readonly currency: string;
  readonly states: ChannelStates;
  readonly random: number;
}

function priority({ healthy }: StrategyInput): Ranking {
  return { order: healthy.map((c) => c.channel), code: 'first_healthy', detail: 'first healthy in order' };
}

/** Weights renormalised over the healthy channels; the rest fail over by weight, heaviest first. */
function volumeSplit({ target, healthy, random }: StrategyInput): Ranking {
  const weighted = healthy.map((c) => ({ ...c, weight: weightOf(target, c.index) }));
  const total = weighted.reduce((sum, c) => sum + c.weight, 0);
  if (total === 0) {
    return {
      order: healthy.map((c) => c.channel),
      code: 'first_healthy',
      detail: 'no healthy channel has a weight: first healthy in order',
    };
  }
  const point = random * total;
  let cumulative = 0;
  let picked = weighted.find((c) => c.weight > 0) as (typeof weighted)[number];
  for (const c of weighted) {
    cumulative += c.weight;
    if (point < cumulative) {
      picked = c;
      break;
    }
  }
  const rest = weighted
    .filter((c) => c !== picked)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((c) => c.channel);
  return {
    order: [picked.channel, ...rest],
    code: 'weighted',
    detail: `weight ${picked.weight} of ${total} among healthy`,
  };
}

/** Cheapest first; a channel without a fee for the currency ranks after every priced one. */
function lowestFee({ healthy, states, currency, amount }: StrategyInput): Ranking {
  const priced = healthy.map((c) => ({
    ...c,
    fee: channelFeeFor(states[c.channel]?.fees, currency, amount),
  }));
  priced.sort((a, b) => {
    if (a.fee === null || b.fee === null)
      return a.fee === b.fee ? a.index - b.index : a.fee === null ? 1 : -1;
    return a.fee - b.fee || a.index - b.index;
  });
  const first = priced[0];
  const detail =
    first?.fee === null || first === undefined
      ? 'no fee known for the currency: first healthy in order'
      : `fee ${first.fee} is the lowest`;
  return { order: priced.map((c) => c.channel), code: 'lowest_fee', detail };
}

interface Rated extends Candidate {
  readonly counts: OutcomeCounts | null;
  readonly scope: 'merchant' | 'all merchants' | null;
}

function attempts(c: OutcomeCounts | undefined): number {
  return c ? c.succeeded + c.failed : 0;
}

function rated(c: Candidate, states: ChannelStates): Rated {
  const stats = states[c.channel]?.stats;
  if (stats?.merchant && attempts(stats.merchant) >= MIN_RATE_ATTEMPTS) {
    return { ...c, counts: stats.merchant, scope: 'merchant' };
  }
  if (stats?.global && attempts(stats.global) >= MIN_RATE_ATTEMPTS) {
    return { ...c, counts: stats.global, scope: 'all merchants' };
  }
  return { ...c, counts: null, scope: null };
}

/** Rates compared exactly by cross-multiplication: a/(a+b) > c/(c+d) ⇔ a(c+d) > c(a+b). */
function byRate(x: Rated, y: Rated): number {
  if (x.counts === null || y.counts === null) {
    return x.counts === y.counts ? x.index - y.index : x.counts === null ? 1 : -1;
  }
  const left = x.counts.succeeded * attempts(y.counts);
  const right = y.counts.succeeded * attempts(x.counts);
  return right - left || x.index - y.index;
}

function percent(c: OutcomeCounts): string {
  return `${((100 * c.succeeded) / attempts(c)).toFixed(1)}%`;
}

/**
 * Best rate first. With `random < EXPLORATION_SHARE` another candidate is chosen instead: the same
 * random number, rescaled to [0, 1), picks it uniformly among the others, so one input decides both.
 */
function successRate({ healthy, states, random }: StrategyInput): Ranking {
  const ranked = healthy.map((c) => rated(c, states)).sort(byRate);
  const best = ranked[0];
  if (ranked.length > 1 && random < EXPLORATION_SHARE) {
    const others = ranked.slice(1);
    const pick = Math.min(others.length - 1, Math.floor((random / EXPLORATION_SHARE) * others.length));
    const explored = others[pick] as Rated;
    return {
      order: [explored.channel, ...ranked.filter((c) => c !== explored).map((c) => c.channel)],
      code: 'exploration',
      detail: `exploring instead of ${best?.channel} (${Math.round(EXPLORATION_SHARE * 100)}% of traffic)`,
    };
  }
  const detail =
    best?.counts && best.scope
      ? `best authorization rate, ${percent(best.counts)} over ${attempts(best.counts)} attempts (${best.scope})`
      : 'no rate known yet: first healthy in order';
  return { order: ranked.map((c) => c.channel), code: 'best_rate', detail };
}

export const STRATEGIES: Readonly<Record<RoutingStrategy, (input: StrategyInput) => Ranking>> = Object.freeze(
  {
    priority,
    volume_split: volumeSplit,
    lowest_fee: lowestFee,
    success_rate: successRate,
  },
);
