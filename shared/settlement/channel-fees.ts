/**
 * Settlement's side of the channels' `channel-fees` function (shared/internal/channel-fees.ts): every
 * channel's fees by currency, asked once per merchant settled. The channels own their settings; settlement
 * holds no grant on them.
 */
import * as z from 'zod/mini';
import { ROUTING_CHANNELS } from '../domain/routing/catalogue.js';
import type { ChannelFees } from '../domain/routing/fees.js';
import { channelFeesAnswerSchema } from '../internal/channel-fees.js';
import { invokeFunction } from '../services/invoke.js';

/** The `SettleDeps.channelFees` reader, through the function at `functionArn`. */
export function invokedChannelFees(functionArn: string) {
  return async (): Promise<Readonly<Partial<Record<string, ChannelFees>>>> =>
    z.parse(channelFeesAnswerSchema, await invokeFunction(functionArn, { channels: [...ROUTING_CHANNELS] }))
      .fees;
}
