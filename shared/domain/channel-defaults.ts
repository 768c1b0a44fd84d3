/**
 * What a channel charges and how its breaker behaves when ops never set anything (contract: "Routing and
 * channel health"): the settings GET /v1/ops/channels answers until a PUT replaces them. Pure data.
 *
 * Default fees, one table, each with where it comes from (published list prices for a standard merchant,
 * read 2026-12; a merchant's negotiated rates are what ops PUT instead):
 *
 * | channel   | currency            | percentBps | fixed | source                                                        |
 * |-----------|---------------------|-----------:|------:|---------------------------------------------------------------|
 * | sandbox   | every ISO 4217 code |        290 |    30 | the local sandbox PSP's own fee (local/src/sandbox/statements.ts `sandboxFee`), so a settlement's fee matches its statement |
 * | stripe    | USD                 |        290 |    30 | stripe.com/pricing (US): 2.9% + 30¢ per successful domestic card charge |
 * | stripe    | EUR                 |        150 |    25 | stripe.com/ie/pricing: 1.5% + €0.25, standard EEA cards        |
 * | stripe    | GBP                 |        150 |    20 | stripe.com/gb/pricing: 1.5% + 20p, standard UK cards           |
 * | alipay    | CNY                 |         60 |     0 | Alipay's standard domestic merchant rate, 0.6% (no fixed part) |
 * | wechatpay | CNY                 |         60 |     0 | WeChat Pay's standard merchant rate, 0.6% (no fixed part)      |
 *
 * Stripe takes every currency; the three listed are the ones it publishes a flat rate for. A currency
 * without a fee is "no fee known": lowest_fee routing ranks the channel last for it.
 */
import { DEFAULT_BREAKER_SETTINGS } from './breaker.js';
import { CURRENCY_EXPONENTS } from './money.js';
import type { RoutingChannel } from './routing/catalogue.js';
import type { ChannelFee } from './routing/fees.js';

export type FeeTable = Readonly<Record<string, ChannelFee>>;

const SANDBOX_FEE: ChannelFee = Object.freeze({ percentBps: 290, fixed: 30 });

export const DEFAULT_CHANNEL_FEES: Readonly<Record<RoutingChannel, FeeTable>> = Object.freeze({
  sandbox: Object.freeze(Object.fromEntries(Object.keys(CURRENCY_EXPONENTS).map((c) => [c, SANDBOX_FEE]))),
  stripe: Object.freeze({
    USD: { percentBps: 290, fixed: 30 },
    EUR: { percentBps: 150, fixed: 25 },
    GBP: { percentBps: 150, fixed: 20 },
  }),
  alipay: Object.freeze({ CNY: { percentBps: 60, fixed: 0 } }),
  wechatpay: Object.freeze({ CNY: { percentBps: 60, fixed: 0 } }),
});

/** A channel's settings as stored and answered: fees by currency and its breaker's thresholds. */
export interface ChannelSettingsValue {
  readonly fees: FeeTable;
  readonly breaker: {
    readonly failureThreshold: number;
    readonly windowSeconds: number;
    readonly cooldownSeconds: number;
  };
}

/** The settings of a channel ops never changed (a fresh copy: callers may keep it). */
export function defaultChannelSettings(channel: RoutingChannel): ChannelSettingsValue {
  const fees = Object.fromEntries(
    Object.entries(DEFAULT_CHANNEL_FEES[channel]).map(([currency, fee]) => [currency, { ...fee }]),
  );
  return { fees, breaker: { ...DEFAULT_BREAKER_SETTINGS } };
}
