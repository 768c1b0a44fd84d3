/**
 * From what the stores hold to what `decideRoute` reads: one channel's routing state at `now`, built
 * from its breaker item, the merchant's usage today, its fees and the two outcome windows. The wiring
 * calls this once per channel per payment; nothing here reads a clock.
 */
import { type BreakerSettings, type BreakerState, breakerPosition } from '../breaker.js';
import type { CurrencyCode } from '../money.js';
import type { RoutingChannel } from './catalogue.js';
import type { RouteDecision } from './decide.js';
import type { ChannelFees } from './fees.js';
import type { ChannelRoutingState } from './health.js';
import { countsAt, type SuccessWindow } from './success-window.js';

/** Channels a payment may be submitted to after the first one is unavailable (contract: at most 2 more). */
export const MAX_FAILOVERS = 2;

export interface StoredChannelFacts {
  /** The channel's breaker item; absent (never opened, or the store unreadable): closed. */
  readonly breaker?: { readonly state: BreakerState; readonly settings: BreakerSettings } | undefined;
  readonly quotaUsed?: Readonly<Partial<Record<CurrencyCode, number>>> | undefined;
  readonly fees?: ChannelFees | undefined;
  /** Outcome windows for the payment's currency: this merchant's and all merchants'. */
  readonly merchantWindow?: SuccessWindow | undefined;
  readonly globalWindow?: SuccessWindow | undefined;
}

/** What a channel facts source is asked: the merchant, the payment's currency, the listed channels. */
export interface ChannelFactsInput {
  readonly merchantId: string;
  readonly currency: string;
  readonly channels: readonly RoutingChannel[];
  /** Epoch ms. */
  readonly now: number;
}

/** Each channel's stored facts; a channel left out counts as closed, feeless and unrated (fail open). */
export type LoadChannelFacts = (
  input: ChannelFactsInput,
) => Promise<Partial<Record<RoutingChannel, StoredChannelFacts>>>;

/** One channel's routing state at `now`. */
export function channelRoutingState(facts: StoredChannelFacts, now: number): ChannelRoutingState {
  const state: {
    -readonly [K in keyof ChannelRoutingState]: ChannelRoutingState[K];
  } = {};
  if (facts.breaker) state.breaker = breakerPosition(facts.breaker.state, facts.breaker.settings, now);
  if (facts.quotaUsed) state.quotaUsed = facts.quotaUsed;
  if (facts.fees) state.fees = facts.fees;
  if (facts.merchantWindow || facts.globalWindow) {
    state.stats = {
      ...(facts.merchantWindow ? { merchant: countsAt(facts.merchantWindow, now) } : {}),
      ...(facts.globalWindow ? { global: countsAt(facts.globalWindow, now) } : {}),
    };
  }
  return state;
}

/**
 * The channels a routed payment is submitted to, in order: the chosen one, then at most
 * `MAX_FAILOVERS` more, each only after the previous one was unavailable (never after it may have
 * taken the payment). A pinned payment has one candidate, so it never fails over.
 */
export function submissionOrder(decision: RouteDecision): RouteDecision['candidates'] {
  return decision.candidates.slice(0, 1 + MAX_FAILOVERS);
}
