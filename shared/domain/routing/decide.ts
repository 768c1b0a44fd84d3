/**
 * `decideRoute`: which channel a payment goes to, which ones it may fail over to, and why. Pure and
 * reproducible: the configuration, each channel's state and the random number are inputs, so the same
 * input always gives the same decision, and the decision (with its reason) is what the payment records.
 */
import type { CurrencyCode } from '../money.js';
import type { RoutingChannel } from './catalogue.js';
import { DEFAULT_ROUTING_CONFIG, matchRule, type RoutingConfig, type RoutingStrategy } from './config.js';
import { type ChannelStates, EXCLUSION_TEXT, type Exclusion, exclusionOf } from './health.js';
import { type Candidate, STRATEGIES, type StrategyCode } from './strategies.js';

export interface RoutePayment {
  readonly amount: number;
  readonly currency: CurrencyCode;
  /** The customer's country, for rules that name countries. */
  readonly country?: string | null | undefined;
  /** A channel the merchant named: the payment goes there or nowhere. */
  readonly channel?: RoutingChannel | null | undefined;
}

export interface RouteInput {
  readonly payment: RoutePayment;
  /** The merchant's configuration; `null` or absent: priority over ["sandbox"]. */
  readonly config?: RoutingConfig | null | undefined;
  readonly channels: ChannelStates;
  /** Uniform in [0, 1): drives volume_split and success_rate's exploration. */
  readonly random: number;
}

/**
 * - `routed`: `chosen` takes it, then `candidates` in order on unavailability.
 * - `unavailable`: no healthy candidate (→ the payment fails with `channel_unavailable`).
 * - `quota_exceeded`: a pinned payment over its channel's daily quota (→ 422 channel-quota-exceeded).
 * - `currency_not_supported`: a pinned payment in a currency its channel does not take.
 */
export type RouteOutcome = 'routed' | 'unavailable' | 'quota_exceeded' | 'currency_not_supported';

export type RouteCode =
  | StrategyCode
  | 'pinned'
  | 'no_healthy_candidate'
  | 'quota_exceeded'
  | 'currency_not_supported';

export interface RouteDecision {
  readonly outcome: RouteOutcome;
  /** `pinned` for a payment that named its channel. */
  readonly strategy: RoutingStrategy | 'pinned';
  /** The matching rule's name, `null` for the default (and for pinned payments). */
  readonly rule: string | null;
  /** Healthy channels in failover order; `chosen` is the first. */
  readonly candidates: RoutingChannel[];
  readonly chosen: RoutingChannel | null;
  /** Stable code of the reason, for metrics and tests. */
  readonly code: RouteCode;
  /** One sentence for ops: rule, strategy, choice and why, channels left out and why. */
  readonly reason: string;
  /** Listed channels that are not candidates, with why. */
  readonly excluded: Exclusion[];
}

function checkInput({ payment, random }: RouteInput): void {
  if (!(random >= 0 && random < 1)) throw new RangeError(`random ${random} is not in [0, 1)`);
  if (!Number.isSafeInteger(payment.amount) || payment.amount <= 0) {
    throw new RangeError(`amount ${payment.amount} is not a positive integer`);
  }
}

function skipped(excluded: readonly Exclusion[]): string {
  if (excluded.length === 0) return '';
  return `; skipped ${excluded.map((e) => `${e.channel} (${EXCLUSION_TEXT[e.why]})`).join(', ')}`;
}

function pinned(input: RouteInput, channel: RoutingChannel, quotas: RoutingConfig['quotas']): RouteDecision {
  const why = exclusionOf(channel, input.payment, quotas, input.channels);
  const base = { strategy: 'pinned' as const, rule: null, excluded: why ? [{ channel, why }] : [] };
  if (why === null) {
    const reason = `pinned to ${channel} by the payment; no failover`;
    return { ...base, outcome: 'routed', candidates: [channel], chosen: channel, code: 'pinned', reason };
  }
  const text = `pinned to ${channel}, which cannot take it: ${EXCLUSION_TEXT[why]}`;
  if (why === 'quota_reached') {
    return {
      ...base,
      outcome: 'quota_exceeded',
      candidates: [],
      chosen: null,
      code: 'quota_exceeded',
      reason: text,
    };
  }
  if (why === 'currency_not_supported') {
    const code = 'currency_not_supported';
    return { ...base, outcome: code, candidates: [], chosen: null, code, reason: text };
  }
  const code = 'no_healthy_candidate';
  return { ...base, outcome: 'unavailable', candidates: [], chosen: null, code, reason: text };
}

/**
 * Decides the route of one payment (contract: "Routing and channel health").
 *
 * A pinned payment goes to its channel alone. Otherwise the first rule whose `when` matches (else the
 * default) names a strategy and channels; channels that do not take the currency, are over the
 * merchant's daily quota or whose breaker admits nothing are left out (and named in the reason); the
 * strategy ranks the rest. No healthy channel left → `unavailable`; a later rule is not tried, since
 * rules say where a payment may go, not a list of fallbacks.
 * @throws RangeError when `random` is outside [0, 1) or the amount is not a positive integer.
 */
export function decideRoute(input: RouteInput): RouteDecision {
  checkInput(input);
  const config = input.config ?? DEFAULT_ROUTING_CONFIG;
  const { payment } = input;
  if (payment.channel) return pinned(input, payment.channel, config.quotas);

  const rule = matchRule(config, payment);
  const target = rule ?? config.default;
  const where = rule ? `rule "${rule.name}"` : 'default';
  const healthy: Candidate[] = [];
  const excluded: Exclusion[] = [];
  const seen = new Set<RoutingChannel>();
  target.channels.forEach((channel, index) => {
    if (seen.has(channel)) return;
    seen.add(channel);
    const why = exclusionOf(channel, payment, config.quotas, input.channels);
    if (why === null) healthy.push({ channel, index });
    else excluded.push({ channel, why });
  });
  const base = { strategy: target.strategy, rule: rule?.name ?? null, excluded };

  if (healthy.length === 0) {
    const reason = `${where}, ${target.strategy}: no healthy channel${skipped(excluded)}`;
    return {
      ...base,
      outcome: 'unavailable',
      candidates: [],
      chosen: null,
      code: 'no_healthy_candidate',
      reason,
    };
  }
  const ranking = STRATEGIES[target.strategy]({
    target,
    healthy,
    amount: payment.amount,
    currency: payment.currency,
    states: input.channels,
    random: input.random,
  });
  const chosen = ranking.order[0] as RoutingChannel;
  const reason = `${where}, ${target.strategy}: ${chosen}, ${ranking.detail}${skipped(excluded)}`;
  return { ...base, outcome: 'routed', candidates: ranking.order, chosen, code: ranking.code, reason };
}
