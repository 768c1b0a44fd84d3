/**
 * Whole channel adapters (every part: transactions, notifier, statements), for scripts and tests. The
 * functions build only the part they use (notifiers.ts, factories.ts), so that no function's bundle
 * reaches the modules of another part.
 */
import {
  type AlipayAdapterOptions,
  createAlipayStatements,
  createAlipayTransactions,
} from './alipay/adapter.js';
import { createAlipayNotifier } from './alipay/notifications.js';
import type { AdapterFactories } from './registry.js';
import {
  createSandboxStatements,
  createSandboxTransactions,
  type SandboxAdapterOptions,
  sandboxOptions,
} from './sandbox/adapter.js';
import { createSandboxNotifier } from './sandbox/notifications.js';
import {
  createStripeStatements,
  createStripeTransactions,
  type StripeAdapterOptions,
} from './stripe/adapter.js';
import { createStripeNotifier } from './stripe/notifications.js';
import type { ChannelAdapter } from './types.js';
import {
  createWechatpayStatements,
  createWechatpayTransactions,
  type WechatpayAdapterOptions,
} from './wechatpay/adapter.js';
import { createWechatpayNotifier } from './wechatpay/notifications.js';

export function createSandboxAdapter(options: SandboxAdapterOptions): ChannelAdapter {
  return {
    ...createSandboxTransactions(options),
    ...createSandboxNotifier(options),
    ...createSandboxStatements(options),
  };
}

export function createStripeAdapter(options: StripeAdapterOptions): ChannelAdapter {
  return {
    ...createStripeTransactions(options),
    ...createStripeNotifier(options),
    ...createStripeStatements(options),
  };
}

export function createAlipayAdapter(options: AlipayAdapterOptions): ChannelAdapter {
  return {
    ...createAlipayTransactions(options),
    ...createAlipayNotifier(options),
    ...createAlipayStatements(options),
  };
}

export function createWechatpayAdapter(options: WechatpayAdapterOptions): ChannelAdapter {
  return {
    ...createWechatpayTransactions(options),
    ...createWechatpayNotifier(options),
    ...createWechatpayStatements(options),
  };
}

export const ADAPTER_FACTORIES: AdapterFactories = {
  sandbox: (c, e) => createSandboxAdapter(sandboxOptions(c, e)),
  stripe: (c, e) => createStripeAdapter({ ...c, ...e }),
  alipay: (c, e) => createAlipayAdapter({ ...c, ...e }),
  wechatpay: (c, e) => createWechatpayAdapter({ ...c, ...e }),
};
