/**
 * The dispatcher's and the checks' factories (transactions: submissions and status queries) and
 * reconciliation runs' (statements), from each channel's adapter module, which imports no notification
 * reader: their bundles carry no notification schemas (and, the sandbox's, no request validation
 * messages). The callback's are notifiers.ts; whole adapters, adapters.ts.
 */
import { createAlipayStatements, createAlipayTransactions } from './alipay/adapter.js';
import type { AdapterFactories } from './registry.js';
import { createSandboxStatements, createSandboxTransactions, sandboxOptions } from './sandbox/adapter.js';
import { createStripeStatements, createStripeTransactions } from './stripe/adapter.js';
import type { ChannelStatements, ChannelTransactions } from './types.js';
import { createWechatpayStatements, createWechatpayTransactions } from './wechatpay/adapter.js';

export const TRANSACTION_FACTORIES: AdapterFactories<ChannelTransactions> = {
  sandbox: (c, e) => createSandboxTransactions(sandboxOptions(c, e)),
  stripe: (c, e) => createStripeTransactions({ ...c, ...e }),
  alipay: (c, e) => createAlipayTransactions({ ...c, ...e }),
  wechatpay: (c, e) => createWechatpayTransactions({ ...c, ...e }),
};

export const STATEMENT_FACTORIES: AdapterFactories<ChannelStatements> = {
  sandbox: (c, e) => createSandboxStatements(sandboxOptions(c, e)),
  stripe: (c, e) => createStripeStatements({ ...c, ...e }),
  alipay: (c, e) => createAlipayStatements({ ...c, ...e }),
  wechatpay: (c, e) => createWechatpayStatements({ ...c, ...e }),
};
