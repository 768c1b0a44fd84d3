/**
 * The callback's factories: each channel's notifier (its notifications verified and read, and its
 * acknowledgement), from the notification modules alone: no request builders, response readers or
 * statement downloads reach the callback's bundle.
 */
import { createAlipayNotifier } from './alipay/notifications.js';
import type { AdapterFactories } from './registry.js';
import { createSandboxNotifier } from './sandbox/notifications.js';
import { createStripeNotifier } from './stripe/notifications.js';
import type { ChannelNotifier } from './types.js';
import { createWechatpayNotifier } from './wechatpay/notifications.js';

export const NOTIFIER_FACTORIES: AdapterFactories<ChannelNotifier> = {
  sandbox: (c) => createSandboxNotifier({ secrets: c.webhookSecrets }),
  stripe: (c) => createStripeNotifier(c),
  alipay: (c) => createAlipayNotifier(c),
  wechatpay: (c) => createWechatpayNotifier(c),
};
