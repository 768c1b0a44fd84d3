import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as z from 'zod/mini';
import { eventsFromChange } from '../../../shared/events/derive.js';
import { eventIdOf } from '../../../shared/events/event-id.js';
import { eventDetailSchemas } from '../../../shared/schemas/events.js';
import { merchantChange } from '../../support/event-samples.js';

const image = (item: object) => item as unknown as Record<string, unknown>;

describe('merchant events from the table stream', () => {
  it('announces each review, suspension and reinstatement once, with who, when and why', () => {
    const cases = [
      ['approve', 'MerchantOnboarded'],
      ['reject', 'MerchantRejected'],
      ['suspend', 'MerchantSuspended'],
      ['reinstate', 'MerchantReinstated'],
    ] as const;
    for (const [action, detailType] of cases) {
      // Prepare
      const item = merchantChange(3, action);
      // Act
      const events = eventsFromChange({ eventName: 'INSERT', newImage: image(item) });
      // Assess
      assert.deepEqual(
        events.map((e) => e.detailType),
        [detailType],
      );
      const detail = z.parse(eventDetailSchemas[detailType], events[0]?.detail);
      assert.equal(detail.eventId, eventIdOf(detailType, 'm_demo_3#3'));
      assert.equal(detail.merchantId, 'm_demo_3');
      assert.deepEqual(
        [detail.data.change.by, detail.data.change.note, detail.data.change.at],
        ['ops', 'sample', item.at],
      );
    }
  });

  it('announces nothing for the creation, a rewrite of the same change, or a removal', () => {
    const created = { ...merchantChange(1, 'approve'), action: 'create', from: null, to: 'pending_review' };
    const item = merchantChange(2, 'suspend');
    assert.deepEqual(eventsFromChange({ eventName: 'INSERT', newImage: image(created) }), []);
    assert.deepEqual(
      eventsFromChange({ eventName: 'MODIFY', oldImage: image(item), newImage: image(item) }),
      [],
    );
    assert.deepEqual(eventsFromChange({ eventName: 'REMOVE', oldImage: image(item) }), []);
  });
});
