/**
 * The `data` of ChannelBreakerOpened / ChannelBreakerClosed (contract: "Routing and channel health": a
 * breaker's state changes are published on the bus). A breaker belongs to a channel, not to a merchant,
 * so these details carry no `merchantId`.
 */
import * as z from 'zod/mini';
import { ROUTING_CHANNELS } from '../domain/routing/catalogue.js';
import { isoTimestamp } from './common.js';

export const channelBreakerData = z.object({
  channel: z.enum(ROUTING_CHANNELS),
  state: z.enum(['closed', 'open', 'half_open']),
  /** When it opened; `null` once closed. */
  openedAt: z.nullable(isoTimestamp),
  /** Unavailability failures inside the window when it changed. */
  recentFailures: z.int().check(z.minimum(0)),
});

export type ChannelBreakerData = z.infer<typeof channelBreakerData>;
