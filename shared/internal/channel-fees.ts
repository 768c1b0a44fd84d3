/**
 * The contract of the channels' `channel-fees` function: the fee schedules (by currency) of the channels
 * asked, as their settings hold them now, for settlement, which prices each line item with its channel's
 * fee and no longer reads the channels' settings. One invoke per merchant settled.
 */
import * as z from 'zod/mini';
import { ROUTING_CHANNELS } from '../domain/routing/catalogue.js';
import { defined } from '../schemas/defined.js';

export const channelFeesRequestSchema = /* @__PURE__ */ defined(() =>
  z.object({ channels: z.array(z.enum(ROUTING_CHANNELS)).check(z.minLength(1)) }),
);
export type ChannelFeesRequest = z.infer<typeof channelFeesRequestSchema>;

/** One currency's fee at a channel (domain/routing/fees.ts `ChannelFee`). */
const feeSchema = /* @__PURE__ */ defined(() =>
  z.object({ percentBps: z.int().check(z.minimum(0)), fixed: z.int().check(z.minimum(0)) }),
);

export const channelFeesAnswerSchema = /* @__PURE__ */ defined(() =>
  z.object({
    /** By channel asked, its fees by currency; a currency absent has no fee at that channel. */
    fees: z.record(z.string(), z.record(z.string(), feeSchema)),
  }),
);
export type ChannelFeesAnswer = z.infer<typeof channelFeesAnswerSchema>;
