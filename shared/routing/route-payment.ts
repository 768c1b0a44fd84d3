/**
 * Routing at create: from the merchant's configuration, each listed channel's stored facts (breaker,
 * fees, outcome windows) and the merchant's quota usage today to `decideRoute`'s decision, and whether the
 * payment counts on its channel's quota. Reads only what the decision can use: the facts of the channels
 * the matching rule (or the pinned channel) lists, and quota usage only for those with a quota configured
 * in the payment's currency, so a merchant without quotas pays no read for them.
 */
import type { CurrencyCode } from '../domain/money.js';
import type { RoutingChannel } from '../domain/routing/catalogue.js';
import {
  DEFAULT_ROUTING_CONFIG,
  matchRule,
  type RoutingConfig,
  type RoutingQuotas,
} from '../domain/routing/config.js';
import { decideRoute, type RouteDecision } from '../domain/routing/decide.js';
import type { ChannelStates } from '../domain/routing/health.js';
import {
  type ChannelFactsInput,
  channelRoutingState,
  type LoadChannelFacts,
  type StoredChannelFacts,
  submissionOrder,
} from '../domain/routing/state.js';

export type { ChannelFactsInput, LoadChannelFacts };

import { logger } from '../http/logger.js';
import type { StoredRouting } from '../store/items.js';

/** A source that knows nothing of any channel: every channel closed, no fees, no rates. */
export const noChannelFacts: LoadChannelFacts = async () => ({});

let channelFactsSource: LoadChannelFacts = noChannelFacts;

/**
 * Sets where create-payment reads channel facts from: the channel records and outcome counts
 * (store/dynamodb/channel-facts.ts), or a test's own. Unset, no channel has stored facts: every channel
 * counts as closed and feeless, so routing fails open.
 */
export function setChannelFactsSource(load: LoadChannelFacts): void {
  channelFactsSource = load;
}

/** Reads channel facts from the source set with `setChannelFactsSource`. */
export const loadChannelFacts: LoadChannelFacts = (input) => channelFactsSource(input);

/** The merchant's amount routed to each channel today in `currency` (minor units). */
export type ReadQuotaUsage = (
  merchantId: string,
  currency: string,
  channels: readonly RoutingChannel[],
  now: Date,
) => Promise<Partial<Record<string, number>>>;

export interface RoutePaymentInput {
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  /** The customer's country, for rules that name countries. */
  readonly country?: string | undefined;
  /** A pinned channel. */
  readonly channel?: RoutingChannel | undefined;
  readonly now: Date;
}

export interface RouteDependencies {
  /** The merchant's configuration, `null` when none is stored. */
  readonly config: RoutingConfig | null;
  readonly loadFacts: LoadChannelFacts;
  readonly readQuotaUsage: ReadQuotaUsage;
  /** Uniform in [0, 1) (Math.random() in production). */
  readonly random: number;
}

export interface RoutedPayment {
  readonly decision: RouteDecision;
  /** The chosen channel has a quota in the payment's currency: count the payment on it. */
  readonly countQuota: boolean;
  /**
   * The channels it may be submitted to (chosen first, then failover order) that have a quota in its
   * currency: stored on the payment so that a failover moves its count from the channel it leaves to
   * the one it goes to by the configuration that routed it, with no read of the configuration then.
   */
  readonly quotaChannels: RoutingChannel[];
}

function hasQuota(quotas: RoutingQuotas, channel: RoutingChannel, currency: string): boolean {
  const limits = quotas[channel];
  return limits !== undefined && Object.hasOwn(limits, currency);
}

/** The channels the decision can pick from: the pinned one, or the matching rule's (else the default's). */
function listedChannels(config: RoutingConfig, payment: RoutePaymentInput): RoutingChannel[] {
  if (payment.channel) return [payment.channel];
  const target =
    matchRule(config, { ...payment, currency: payment.currency as CurrencyCode }) ?? config.default;
  return [...new Set(target.channels)];
}

/** Facts that cannot be read leave routing open (every channel closed), as the breaker store does. */
async function factsOrNone(
  load: LoadChannelFacts,
  input: ChannelFactsInput,
): Promise<Partial<Record<RoutingChannel, StoredChannelFacts>>> {
  try {
    return await load(input);
  } catch (error) {
    logger.warn('channel facts unreadable: routing without them', { error: error as Error });
    return {};
  }
}

/**
 * Decides where the payment goes. Quota usage read errors propagate (the create answers 503/500 and the
 * client retries): routing past a quota it could not read would break the cap the merchant set.
 */
export async function routePayment(
  payment: RoutePaymentInput,
  deps: RouteDependencies,
): Promise<RoutedPayment> {
  const config = deps.config ?? DEFAULT_ROUTING_CONFIG;
  const { merchantId, currency } = payment;
  const now = payment.now.getTime();
  const channels = listedChannels(config, payment);
  const quotaChannels = channels.filter((c) => hasQuota(config.quotas, c, currency));
  const [facts, used] = await Promise.all([
    factsOrNone(deps.loadFacts, { merchantId, currency, channels, now }),
    quotaChannels.length > 0
      ? deps.readQuotaUsage(merchantId, currency, quotaChannels, payment.now)
      : ({} as Partial<Record<string, number>>),
  ]);
  const states: Partial<Record<RoutingChannel, ReturnType<typeof channelRoutingState>>> = {};
  for (const channel of channels) {
    const stored = facts[channel] ?? {};
    const quotaUsed = used[channel] !== undefined ? { [currency]: used[channel] } : stored.quotaUsed;
    states[channel] = channelRoutingState({ ...stored, quotaUsed }, now);
  }
  const decision = decideRoute({
    payment: {
      amount: payment.amount,
      currency: currency as CurrencyCode,
      country: payment.country,
      channel: payment.channel,
    },
    config,
    channels: states as ChannelStates,
    random: deps.random,
  });
  return {
    decision,
    countQuota: decision.chosen !== null && hasQuota(config.quotas, decision.chosen, currency),
    quotaChannels: submissionOrder(decision).filter((c) => hasQuota(config.quotas, c, currency)),
  };
}

/** The decision as the payment stores it: candidates cut to those it may be submitted to. */
export function storedRoutingOf(decision: RouteDecision): StoredRouting {
  const { strategy, rule, chosen, reason } = decision;
  return { strategy, rule, candidates: submissionOrder(decision), chosen, reason };
}
