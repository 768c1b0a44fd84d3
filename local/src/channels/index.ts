/**
 * Starts the simulators of the real channels the configuration names (Stripe, Alipay, WeChat Pay), each
 * calling back on `callbackUrl(<its callbackPath>)`. Keys default to the public test material in
 * local/channel-test-keys.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SimulatorsConfig } from '../config.js';
import { startAlipaySimulator } from './alipay.js';
import type { SimulatorLogger, SimulatorServer } from './common.js';
import { startStripeSimulator } from './stripe.js';
import { startWechatpaySimulator } from './wechatpay.js';

export type { SimulatorServer } from './common.js';

const TEST_KEYS = fileURLToPath(new URL('../../channel-test-keys/', import.meta.url));
const pem = (file: string | undefined, name: string) =>
  readFileSync(file ?? `${TEST_KEYS}${name}.pem`, 'utf8');

export interface ChannelSimulatorsOptions {
  /** The callback URL for a path on the HTTP API, '' while the API is not listening yet. */
  readonly callbackUrl: (path: string) => string;
  /** Before a callback, default 1000 ms. */
  readonly delayMs?: number;
  readonly logger?: SimulatorLogger;
}

export interface ChannelSimulators {
  /** The URL of each simulator started, by channel. */
  readonly urls: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Starts what `config` names; if one fails to start, those already started are stopped. */
export async function startChannelSimulators(
  config: SimulatorsConfig,
  options: ChannelSimulatorsOptions,
): Promise<ChannelSimulators> {
  const started: Record<string, SimulatorServer> = {};
  const common = {
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const close = async () => {
    await Promise.all(Object.values(started).map((s) => s.close()));
  };
  try {
    const { stripe, alipay, wechatpay } = config;
    if (stripe)
      started.stripe = await startStripeSimulator({
        ...common,
        callbackUrl: () => options.callbackUrl(stripe.callbackPath),
        ...(stripe.secretKey ? { secretKey: stripe.secretKey } : {}),
        ...(stripe.webhookSecret ? { webhookSecret: stripe.webhookSecret } : {}),
      });
    if (alipay)
      started.alipay = await startAlipaySimulator({
        ...common,
        callbackUrl: () => options.callbackUrl(alipay.callbackPath),
        ...(alipay.appId ? { appId: alipay.appId } : {}),
        merchantPublicKey: pem(alipay.merchantPublicKeyFile, 'alipay-merchant-public'),
        platformPrivateKey: pem(alipay.platformPrivateKeyFile, 'alipay-platform-private'),
      });
    if (wechatpay) {
      const { callbackPath, merchantPublicKeyFile, platformPrivateKeyFile, ...ids } = wechatpay;
      started.wechatpay = await startWechatpaySimulator({
        ...common,
        ...ids,
        callbackUrl: () => options.callbackUrl(callbackPath),
        merchantPublicKey: pem(merchantPublicKeyFile, 'wechatpay-merchant-public'),
        platformPrivateKey: pem(platformPrivateKeyFile, 'wechatpay-platform-private'),
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    urls: Object.fromEntries(Object.entries(started).map(([name, s]) => [name, s.url])),
    close,
  };
}
