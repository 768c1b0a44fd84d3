/**
 * Expected outcomes of a channel-day are spread over 32 partitions by their reference, so a busy day's
 * writes never meet in one partition key and a run reads each shard once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPECTED_OUTCOME_SHARDS, keys, shardOf } from '../../../shared/store/keys.js';

describe('expected outcome shards', () => {
  it('puts an outcome in the shard of its reference, one of the channel-day’s partitions', () => {
    const key = keys.expectedOutcome('sandbox', '2026-03-01', 'payment', 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal(key.PK, `RECON#sandbox#2026-03-01#${shardOf('pay_aaaaaaaaaaaaaaaaaaaaaaaaaa')}`);
    assert.ok(keys.channelDayShards('sandbox', '2026-03-01').includes(key.PK));
    assert.equal(new Set(keys.channelDayShards('sandbox', '2026-03-01')).size, EXPECTED_OUTCOME_SHARDS);
  });

  it('spreads similar references evenly over every shard', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 32_000; i++) {
      const shard = shardOf(`pay_${String(i).padStart(26, '0')}`);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    assert.equal(counts.size, EXPECTED_OUTCOME_SHARDS);
    for (const [shard, n] of counts) assert.ok(n > 800 && n < 1_200, `shard ${shard}: ${n}`);
  });
});
