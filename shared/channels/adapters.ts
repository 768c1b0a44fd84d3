/**
 * How each channel's adapter, or the one part of it a function uses, is made from its credentials: the
 * registry's factories. The callback builds notifiers, the dispatcher and the checks transactions,
 * reconciliation runs statements: a bundle then carries the code of its part only (the callback no
 * request builders or bill unzip, the dispatcher no notification schemas). A channel missing here has no
 * adapter in this build (its callback answers 404, its payments cannot be sent).
 */
import {
  createAlipayAdapter,
  createAlipayNotifier,
  createAlipayStatements,
  createAlipayTransactions,
} from './alipay/adapter.js';
import type { CredentialsOf } from './credentials.js';
import type { AdapterEndpoint, AdapterFactories } from './registry.js';
import {
  createSandboxAdapter,
  createSandboxNotifier,
  createSandboxStatements,
  createSandboxTransactions,
  type SandboxAdapterOptions,
} from './sandbox/adapter.js';
import {
  createStripeAdapter,
  createStripeNotifier,
  createStripeStatements,
  createStripeTransactions,
} from './stripe/adapter.js';
import type { ChannelNotifier, ChannelStatements, ChannelTransactions } from './types.js';
import {
  createWechatpayAdapter,
  createWechatpayNotifier,
  createWechatpayStatements,
  createWechatpayTransactions,
} from './wechatpay/adapter.js';

const sandboxOptions = (c: CredentialsOf<'sandbox'>, e: AdapterEndpoint): SandboxAdapterOptions => ({
  secrets: c.webhookSecrets,
  ...(e.baseUrl ? { pspUrl: e.baseUrl } : {}),
  ...(e.fetch ? { fetch: e.fetch } : {}),
  ...(e.timeoutMs === undefined ? {} : { timeoutMs: e.timeoutMs }),
});

/** Whole adapters (scripts and tests). */
export const ADAPTER_FACTORIES: AdapterFactories = {
  sandbox: (c, e) => createSandboxAdapter(sandboxOptions(c, e)),
  stripe: (c, e) => createStripeAdapter({ ...c, ...e }),
  alipay: (c, e) => createAlipayAdapter({ ...c, ...e }),
  wechatpay: (c, e) => createWechatpayAdapter({ ...c, ...e }),
};

/** The callback's: notifications verified and read, and the channel's acknowledgement. */
export const NOTIFIER_FACTORIES: AdapterFactories<ChannelNotifier> = {
  sandbox: (c, e) => createSandboxNotifier(sandboxOptions(c, e)),
  stripe: (c) => createStripeNotifier(c),
  alipay: (c) => createAlipayNotifier(c),
  wechatpay: (c) => createWechatpayNotifier(c),
};

/** The dispatcher's and the channel checks': submissions and status queries. */
export const TRANSACTION_FACTORIES: AdapterFactories<ChannelTransactions> = {
  sandbox: (c, e) => createSandboxTransactions(sandboxOptions(c, e)),
  stripe: (c, e) => createStripeTransactions({ ...c, ...e }),
  alipay: (c, e) => createAlipayTransactions({ ...c, ...e }),
  wechatpay: (c, e) => createWechatpayTransactions({ ...c, ...e }),
};

/** Reconciliation runs': each channel's daily statement. */
export const STATEMENT_FACTORIES: AdapterFactories<ChannelStatements> = {
  sandbox: (c, e) => createSandboxStatements(sandboxOptions(c, e)),
  stripe: (c, e) => createStripeStatements({ ...c, ...e }),
  alipay: (c, e) => createAlipayStatements({ ...c, ...e }),
  wechatpay: (c, e) => createWechatpayStatements({ ...c, ...e }),
};
