/**
 * A channel-day's outcomes (GSI3) and a merchant's line items (GSI2) are spread over 32 partitions by the
 * object's id, so a busy day's writes never meet in one partition key and a run reads each shard once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backOfficeKeys, keys, OUTCOME_SHARDS, shardOf } from '../../../shared/store/keys.js';

const PAY = 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa';

describe('outcome shards', () => {
  it('indexes an outcome in the shard of its reference, one of the channel-day’s partitions', () => {
    const key = keys.outcome('sandbox', '2026-03-01', 'payment', PAY);
    assert.equal(key.GSI3PK, `RECON#sandbox#2026-03-01#${shardOf(PAY)}`);
    assert.equal(key.GSI3SK, `payment#${PAY}`);
    assert.ok(backOfficeKeys.channelDayShards('sandbox', '2026-03-01').includes(key.GSI3PK));
    assert.equal(new Set(backOfficeKeys.channelDayShards('sandbox', '2026-03-01')).size, OUTCOME_SHARDS);
  });

  it('keys a line item by its merchant and shard, sorted by commit time', () => {
    assert.equal(keys.settlementLines('m_1', PAY), `SETL#m_1#${shardOf(PAY)}`);
    assert.ok(backOfficeKeys.settlementLineShards('m_1').includes(keys.settlementLines('m_1', PAY)));
    assert.equal(new Set(backOfficeKeys.settlementLineShards('m_1')).size, OUTCOME_SHARDS);
    const sort = backOfficeKeys.settlementLineSort('2026-03-01T10:00:00.000Z', 'payment', PAY);
    assert.equal(sort, `2026-03-01T10:00:00.000Z#payment#${PAY}`);
    // A window [from, to) read with BETWEEN leaves out an item committed exactly at `to`.
    assert.ok(sort > '2026-03-01T10:00:00.000Z');
  });

  it('spreads similar references evenly over every shard', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 32_000; i++) {
      const shard = shardOf(`pay_${String(i).padStart(26, '0')}`);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    assert.equal(counts.size, OUTCOME_SHARDS);
    for (const [shard, n] of counts) assert.ok(n > 800 && n < 1_200, `shard ${shard}: ${n}`);
  });
});
