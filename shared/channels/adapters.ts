/**
 * How each channel's adapter is made from its credentials: the registry's default factories. A channel
 * missing here has no adapter in this build (its callback answers 404, its payments cannot be sent).
 */
import { createAlipayAdapter } from './alipay/adapter.js';
import type { AdapterFactories } from './registry.js';
import { createSandboxAdapter } from './sandbox/adapter.js';
import { createStripeAdapter } from './stripe/adapter.js';
import { createWechatpayAdapter } from './wechatpay/adapter.js';

export const ADAPTER_FACTORIES: AdapterFactories = {
  sandbox: (c, e) =>
    createSandboxAdapter({
      secrets: c.webhookSecrets,
      ...(e.baseUrl ? { pspUrl: e.baseUrl } : {}),
      ...(e.fetch ? { fetch: e.fetch } : {}),
      ...(e.timeoutMs === undefined ? {} : { timeoutMs: e.timeoutMs }),
    }),
  stripe: (c, e) => createStripeAdapter({ ...c, ...e }),
  alipay: (c, e) => createAlipayAdapter({ ...c, ...e }),
  wechatpay: (c, e) => createWechatpayAdapter({ ...c, ...e }),
};
