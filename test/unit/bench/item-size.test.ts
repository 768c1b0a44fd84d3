/**
 * Item sizes as DynamoDB bills them, and the write units of one item write, which the bench uses in
 * place of DynamoDB Local's transaction capacity (Local sizes a transaction as if it were one item).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemSize, writeUnits } from '../../bench/item-size.js';

describe('itemSize', () => {
  it('counts attribute names and string bytes (UTF-8)', () => {
    assert.equal(itemSize({ PK: { S: 'abc' } }), 2 + 3);
    assert.equal(itemSize({ n: { S: 'é' } }), 1 + 2);
  });

  it('counts a number as one byte per two significant digits plus one', () => {
    assert.equal(itemSize({ a: { N: '1050' } }), 1 + 3);
    assert.equal(itemSize({ a: { N: '-0.0012300' } }), 1 + 3);
  });

  it('counts maps and lists with 3 bytes of overhead and 1 per element', () => {
    assert.equal(itemSize({ m: { M: { k: { S: 'v' } } } }), 1 + 3 + 1 + 1 + 1);
    assert.equal(itemSize({ l: { L: [{ BOOL: true }, { NULL: true }] } }), 1 + 3 + 2 * (1 + 1));
  });

  it('counts string sets element by element', () => {
    assert.equal(itemSize({ ids: { SS: ['abcdefghij', 'klmnopqrst'] } }), 3 + 20);
  });
});

describe('writeUnits', () => {
  it('charges one unit per started KB, two inside a transaction', () => {
    assert.equal(writeUnits(0, false), 1);
    assert.equal(writeUnits(1024, false), 1);
    assert.equal(writeUnits(1025, false), 2);
    assert.equal(writeUnits(200, true), 2);
    assert.equal(writeUnits(1500, true), 4);
  });
});
