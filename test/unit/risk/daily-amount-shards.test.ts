/**
 * The split of a daily amount limit over its shards (daily-amount-shards.ts): shares add up to the limit
 * exactly and never shrink when the limit grows, and plans never count more than a shard's share.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AMOUNT_BLOCK,
  AMOUNT_SHARDS,
  type Piece,
  planPieces,
  shardShare,
} from '../../../shared/store/dynamodb/daily-amount-shards.js';

const shares = (limit: number) => Array.from({ length: AMOUNT_SHARDS }, (_, j) => shardShare(limit, j));
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe('daily amount shards', () => {
  it('splits a limit into shares that add up to it exactly', () => {
    const limits = [0, 1, 999_999, AMOUNT_BLOCK, AMOUNT_BLOCK + 1, 63 * AMOUNT_BLOCK + 7, 10 ** 12];
    for (let i = 0; i < 200; i++) limits.push(Math.floor(Math.random() * 10 ** (3 + (i % 10))));
    for (const limit of limits) assert.equal(sum(shares(limit)), limit, `limit ${limit}`);
  });

  it('keeps a limit of at most one block on one shard, and spreads a large one evenly', () => {
    assert.deepEqual(shares(7_500).slice(0, 2), [7_500, 0]);
    assert.equal(sum(shares(AMOUNT_BLOCK).slice(1)), 0);
    const large = shares(10 ** 11);
    assert.ok(Math.max(...large) - Math.min(...large) <= AMOUNT_BLOCK);
  });

  it('never shrinks a share when the limit grows, so a raised limit stays exact', () => {
    let before = shares(0);
    for (let limit = 0; limit < 70 * AMOUNT_BLOCK; limit += 123_457) {
      const now = shares(limit);
      for (let j = 0; j < AMOUNT_SHARDS; j++)
        assert.ok((now[j] ?? 0) >= (before[j] ?? 0), `shard ${j} at ${limit}`);
      before = now;
    }
  });

  it('plans within every share, refusing only when the room left is below the amount', () => {
    for (let i = 0; i < 500; i++) {
      const limit = Math.floor(Math.random() * 80 * AMOUNT_BLOCK);
      const totals = shares(limit).map((s) => Math.floor(s * Math.random() * Math.random() * 2) % (s + 1));
      const amount = 1 + Math.floor(Math.random() * 3 * AMOUNT_BLOCK);
      const plan = planPieces(limit, amount, totals);
      const room = limit - sum(totals);
      if (plan === 'refuse') {
        assert.ok(room < amount, `refused with room ${room} for ${amount}`);
        continue;
      }
      assert.notEqual(plan, 'read');
      const pieces = plan as Piece[];
      assert.equal(sum(pieces.map((p) => p.amount)), amount);
      assert.equal(new Set(pieces.map((p) => p.shard)).size, pieces.length);
      for (const p of pieces) {
        assert.ok(p.amount > 0);
        assert.ok((totals[p.shard] ?? 0) + p.amount <= shardShare(limit, p.shard), `shard ${p.shard}`);
      }
    }
  });

  it('without a snapshot, goes whole to one shard that has a share, or asks for a read', () => {
    for (let i = 0; i < 100; i++) {
      const plan = planPieces(3 * AMOUNT_BLOCK, 10, undefined) as Piece[];
      assert.equal(plan.length, 1);
      assert.ok((plan[0]?.shard ?? 99) < 3);
    }
    assert.equal(planPieces(3 * AMOUNT_BLOCK, AMOUNT_BLOCK + 1, undefined), 'read');
  });
});
