import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as z from 'zod/mini';
import { eventsFromChange } from '../../../shared/events/derive.js';
import { eventDetailSchemas } from '../../../shared/schemas/events.js';

const base = {
  PK: 'CHANNEL#alipay',
  SK: 'BREAKER',
  entity: 'channelBreaker',
  channel: 'alipay',
  state: 'closed',
  openedAt: null,
  failures: [1, 2, 3, 4],
  probeTakenAt: null,
  recentFailures: 4,
  version: 4,
  changedAt: '2026-12-06T10:00:00.000Z',
};
const opened = {
  ...base,
  state: 'open',
  openedAt: Date.parse('2026-12-06T10:00:01.000Z'),
  failures: [1, 2, 3, 4, 5],
  recentFailures: 5,
  version: 5,
  changedAt: '2026-12-06T10:00:01.000Z',
  announce: 'ChannelBreakerOpened',
};

describe('breaker events derived from the breaker item', () => {
  it('announces the opening, without a merchant, in a detail its schema accepts', () => {
    // Act
    const events = eventsFromChange({ eventName: 'MODIFY', oldImage: base, newImage: opened });
    // Assess
    assert.equal(events.length, 1);
    const [event] = events;
    assert.equal(event?.detailType, 'ChannelBreakerOpened');
    const detail = z.parse(eventDetailSchemas.ChannelBreakerOpened, event?.detail);
    assert.equal(detail.merchantId, undefined);
    assert.deepEqual(detail.data, {
      channel: 'alipay',
      state: 'open',
      openedAt: '2026-12-06T10:00:01.000Z',
      recentFailures: 5,
    });
    assert.equal(detail.occurredAt, '2026-12-06T10:00:01.000Z');
  });

  it('gives each opening its own id, and the same id when the record is seen again', () => {
    const first = eventsFromChange({ eventName: 'MODIFY', oldImage: base, newImage: opened });
    const again = eventsFromChange({ eventName: 'MODIFY', oldImage: base, newImage: opened });
    const later = eventsFromChange({
      eventName: 'MODIFY',
      oldImage: { ...opened, version: 8, announce: undefined },
      newImage: { ...opened, version: 9 },
    });
    assert.equal(first[0]?.detail.eventId, again[0]?.detail.eventId);
    assert.notEqual(first[0]?.detail.eventId, later[0]?.detail.eventId);
  });

  it('announces nothing for a counted failure or a probe claim', () => {
    const claimed = { ...opened, state: 'half_open', version: 6, probeTakenAt: 9, announce: undefined };
    assert.deepEqual(eventsFromChange({ eventName: 'INSERT', newImage: { ...base, version: 1 } }), []);
    assert.deepEqual(eventsFromChange({ eventName: 'MODIFY', oldImage: opened, newImage: claimed }), []);
  });
});
