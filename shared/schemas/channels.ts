/** The channels payments can go through (a module of its own: bundles that only name them take no zod). */
export const CHANNELS = ['sandbox', 'stripe', 'alipay', 'wechatpay'] as const;
export type Channel = (typeof CHANNELS)[number];
