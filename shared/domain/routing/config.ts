/**
 * A merchant's routing configuration as the domain reads it (contract: "Routing and channel health").
 * The zod schema that validates a PUT lives in shared/schemas/routing.ts and produces exactly these
 * shapes; this module only reads them, so routing takes no zod.
 */
import type { CurrencyCode } from '../money.js';
import type { RoutingChannel } from './catalogue.js';

export const ROUTING_STRATEGIES = ['priority', 'volume_split', 'lowest_fee', 'success_rate'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/**
 * Percent per listed channel, summing to 100: either by channel (`{ "stripe": 70, "sandbox": 30 }`) or
 * positionally, aligned with `channels` (`[70, 30]`). Both are accepted so a configuration written
 * either way round-trips unchanged.
 */
export type RoutingWeights = Readonly<Partial<Record<RoutingChannel, number>>> | readonly number[];

/** What a rule or the default routes to. */
export interface RoutingTarget {
  readonly strategy: RoutingStrategy;
  readonly channels: readonly RoutingChannel[];
  readonly weights?: RoutingWeights | undefined;
}

/** When a rule applies; every condition given must hold, an empty `when` matches every payment. */
export interface RuleConditions {
  readonly currencies?: readonly CurrencyCode[] | undefined;
  /** Inclusive bounds, in minor units of the payment's currency. */
  readonly amountMin?: number | undefined;
  readonly amountMax?: number | undefined;
  /** The customer's ISO 3166-1 alpha-2 country; a payment without one matches no rule that names countries. */
  readonly countries?: readonly string[] | undefined;
}

export interface RoutingRule extends RoutingTarget {
  readonly name: string;
  readonly when: RuleConditions;
}

/** Daily amount limits in minor units, by channel then currency; absent = unlimited. */
export type RoutingQuotas = Readonly<Partial<Record<RoutingChannel, Readonly<Record<CurrencyCode, number>>>>>;

export interface RoutingConfig {
  readonly rules: readonly RoutingRule[];
  readonly default: RoutingTarget;
  readonly quotas: RoutingQuotas;
}

/** What a merchant without any configuration gets: every payment to the sandbox. */
export const DEFAULT_ROUTING_CONFIG: RoutingConfig = Object.freeze({
  rules: Object.freeze([]) as readonly RoutingRule[],
  default: Object.freeze({ strategy: 'priority', channels: Object.freeze(['sandbox']) }) as RoutingTarget,
  quotas: Object.freeze({}),
});

/** The payment facts rules match on. */
export interface RuleSubject {
  readonly amount: number;
  readonly currency: CurrencyCode;
  readonly country?: string | null | undefined;
}

/** True when every condition of `when` holds for the payment. */
export function ruleMatches(when: RuleConditions, payment: RuleSubject): boolean {
  if (when.currencies !== undefined && !when.currencies.includes(payment.currency)) return false;
  if (when.amountMin !== undefined && payment.amount < when.amountMin) return false;
  if (when.amountMax !== undefined && payment.amount > when.amountMax) return false;
  if (when.countries !== undefined) {
    if (!payment.country || !when.countries.includes(payment.country)) return false;
  }
  return true;
}

/** The first rule whose `when` matches (rules are evaluated in order), or `null` for the default. */
export function matchRule(config: RoutingConfig, payment: RuleSubject): RoutingRule | null {
  for (const rule of config.rules) if (ruleMatches(rule.when, payment)) return rule;
  return null;
}

/** The weight of `channels[index]` in `weights`, 0 when it has none. */
export function weightOf(target: RoutingTarget, index: number): number {
  const { weights, channels } = target;
  if (weights === undefined) return 0;
  if (Array.isArray(weights)) return (weights as readonly number[])[index] ?? 0;
  const channel = channels[index];
  const byChannel = weights as Readonly<Partial<Record<RoutingChannel, number>>>;
  return channel !== undefined ? (byChannel[channel] ?? 0) : 0;
}
