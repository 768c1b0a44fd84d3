/**
 * ChannelBreakerOpened / ChannelBreakerClosed from a breaker item's stream record: the write that changed
 * the breaker's state carries `announce` (channel-breakers.ts), so the state change and its event are one
 * commit, like every other event here. The id is the breaker's version: each write happens once, so a
 * republished record keeps its event id.
 */
import type { PaymentsEvent } from '../schemas/events.js';
import { eventIdOf } from './event-id.js';

export interface BreakerItemImage {
  readonly entity: 'channelBreaker';
  readonly channel: string;
  readonly state: string;
  readonly openedAt?: number | null;
  readonly recentFailures?: number;
  readonly version: number;
  readonly changedAt: string;
  readonly announce?: 'ChannelBreakerOpened' | 'ChannelBreakerClosed';
}

/** The event a breaker write announces, if any. */
export function breakerEvents(
  before: BreakerItemImage | undefined,
  after: BreakerItemImage,
): PaymentsEvent[] {
  const detailType = after.announce;
  if (detailType !== 'ChannelBreakerOpened' && detailType !== 'ChannelBreakerClosed') return [];
  // Only the write that announced: a record of the same version seen again announces nothing new.
  if (before && before.version === after.version) return [];
  const detail = {
    eventId: eventIdOf(detailType, `${after.channel}#${after.version}`),
    occurredAt: after.changedAt,
    version: 1 as const,
    data: {
      channel: after.channel,
      state: after.state,
      openedAt: typeof after.openedAt === 'number' ? new Date(after.openedAt).toISOString() : null,
      recentFailures: after.recentFailures ?? 0,
    },
  };
  return [{ detailType, detail } as PaymentsEvent];
}
