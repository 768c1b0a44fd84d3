/**
 * Which expected outcomes are settlement line items (GSI2), and by which time: succeeded ones only; on
 * time by when they happened, late ones (recorded more than LATE_AFTER_MS after) by when recorded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LATE_AFTER_MS, lineItemKeys } from '../../../shared/store/dynamodb/expected-outcomes.js';
import { shardOf } from '../../../shared/store/keys.js';

const outcome = {
  merchantId: 'm_1',
  reference: 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  type: 'payment' as const,
  status: 'succeeded' as const,
  occurredAt: '2026-03-01T10:00:00.000Z',
};

describe('settlement line item keys', () => {
  it('files an outcome recorded on time under when it happened', () => {
    const keys = lineItemKeys(outcome, new Date(Date.parse(outcome.occurredAt) + LATE_AFTER_MS));
    assert.deepEqual(keys, {
      GSI2PK: `SETL#m_1#${shardOf(outcome.reference)}`,
      GSI2SK: '2026-03-01T10:00:00.000Z#payment#pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    });
  });

  it('files a late outcome under when it was recorded, apart from the on-time ones', () => {
    const recorded = new Date(Date.parse(outcome.occurredAt) + LATE_AFTER_MS + 1);
    assert.deepEqual(lineItemKeys(outcome, recorded), {
      GSI2PK: `SETLLATE#m_1#${shardOf(outcome.reference)}`,
      GSI2SK: `${recorded.toISOString()}#payment#pay_aaaaaaaaaaaaaaaaaaaaaaaaaa`,
    });
  });

  it('makes no line item of a failed outcome', () => {
    assert.deepEqual(lineItemKeys({ ...outcome, status: 'failed' }, new Date(outcome.occurredAt)), {});
  });
});
