/**
 * The channel catalogue (contract: "Payment channels"): which channels exist and which currencies each
 * one takes. Routing only ever offers a payment to a channel that takes its currency.
 */
import { type CurrencyCode, isCurrency } from '../money.js';

/** Every channel a payment can be routed to, in the order ops screens list them. */
export const ROUTING_CHANNELS = ['sandbox', 'stripe', 'alipay', 'wechatpay'] as const;
export type RoutingChannel = (typeof ROUTING_CHANNELS)[number];

/** `all`: every ISO 4217 currency the system knows (shared/domain/money.ts); otherwise the list. */
export type ChannelCurrencies = 'all' | readonly CurrencyCode[];

/**
 * Currencies per channel. Stripe and the sandbox take every currency the system knows; Alipay and
 * WeChat Pay settle in yuan only, as their mainland APIs do.
 */
export const CHANNEL_CURRENCIES: Readonly<Record<RoutingChannel, ChannelCurrencies>> = Object.freeze({
  sandbox: 'all',
  stripe: 'all',
  alipay: Object.freeze(['CNY']),
  wechatpay: Object.freeze(['CNY']),
});

/** True when `value` names a channel of the catalogue. */
export function isRoutingChannel(value: unknown): value is RoutingChannel {
  return typeof value === 'string' && (ROUTING_CHANNELS as readonly string[]).includes(value);
}

/** True when `channel` takes payments in `currency` (an unknown currency is taken by none). */
export function supportsCurrency(channel: RoutingChannel, currency: CurrencyCode): boolean {
  if (!isCurrency(currency)) return false;
  // Stored data is read without a schema on the hot path: a channel name the catalogue lacks takes nothing.
  const currencies = Object.hasOwn(CHANNEL_CURRENCIES, channel) ? CHANNEL_CURRENCIES[channel] : undefined;
  return currencies === 'all' || (currencies?.includes(currency) ?? false);
}
