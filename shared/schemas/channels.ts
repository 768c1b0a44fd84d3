/** The channels payments can go through (a module of its own: bundles that only name them take no zod). */
export const CHANNELS = ['sandbox'] as const;
export type Channel = (typeof CHANNELS)[number];
