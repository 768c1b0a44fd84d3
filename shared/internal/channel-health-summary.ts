/**
 * The channels' outcome counts by clock hour (functions/internal/channel-health-summary.ts): for each
 * channel asked, the last `hours` clock hours up to `now` (the current one included), oldest first, over
 * all merchants. The ops overview asks for the routing channels' last day. Contract between channels and
 * its callers: both sides parse.
 */
import * as z from 'zod/mini';
import { type InternalReader, internalReader } from './reader.js';

export const channelHealthSummaryRequest = z.strictObject({
  channels: z.array(z.string().check(z.regex(/^[a-z0-9_-]{1,32}$/))).check(z.minLength(1), z.maxLength(20)),
  /** The instant (epoch ms) whose clock hour is the last one. */
  now: z.int().check(z.minimum(0)),
  /** How many clock hours; the counts are kept 26 hours (channel-outcome-counts.ts). */
  hours: z.int().check(z.minimum(1), z.maximum(24)),
});
export type ChannelHealthSummaryRequest = z.infer<typeof channelHealthSummaryRequest>;

const count = z.int().check(z.minimum(0));
export const channelHealthSummaryAnswer = z.strictObject({
  channels: z.array(
    z.strictObject({
      channel: z.string(),
      hours: z.array(
        z.strictObject({ hourStart: z.int(), succeeded: count, failed: count, unavailable: count }),
      ),
    }),
  ),
});
export type ChannelHealthSummaryAnswer = z.infer<typeof channelHealthSummaryAnswer>;

export type ChannelHealthSummaryReader = InternalReader<
  ChannelHealthSummaryRequest,
  ChannelHealthSummaryAnswer
>;

export const invokeChannelHealthSummary = (functionArn: string | undefined): ChannelHealthSummaryReader =>
  internalReader(channelHealthSummaryRequest, channelHealthSummaryAnswer, functionArn);
