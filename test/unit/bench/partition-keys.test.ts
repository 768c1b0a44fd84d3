/**
 * The partition keys a DynamoDB call touches, per table and per index, with their units: what DynamoDB's
 * per-key limits apply to.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  keyAccesses,
  keysToReadBack,
  minimumReadUnits,
  queryPartition,
  transactionAccesses,
} from '../../bench/partition-keys.js';

const none = () => undefined;
const S = (s: string) => ({ S: s });

describe('keyAccesses', () => {
  it('attributes a Put to its key and to each index it writes, from the item', () => {
    const accesses = keyAccesses(
      'PutItem',
      {
        TableName: 'payments',
        Item: { PK: S('OBJ#a'), SK: S('OBJ'), GSI1PK: S('MER#m_1'), GSI1SK: S('t#pay_a') },
      },
      {
        TableName: 'payments',
        CapacityUnits: 2,
        Table: { CapacityUnits: 1 },
        GlobalSecondaryIndexes: { GSI1: { CapacityUnits: 1 } },
      },
      none,
    );
    assert.deepEqual(accesses, [
      { index: 'table', pk: 'OBJ#a', write: true, units: 1 },
      { index: 'GSI1', pk: 'MER#m_1', write: true, units: 1 },
    ]);
  });

  it('takes an Update’s index key from its SET, else from the item as committed', () => {
    const input = {
      TableName: 'payments',
      Key: { PK: S('OBJ#a'), SK: S('OBJ') },
      UpdateExpression: 'SET #s = :s, GSI3PK = :g3',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': S('succeeded'), ':g3': S('RECON#sandbox#2026-12-06#q') },
    };
    const consumed = {
      Table: { CapacityUnits: 1 },
      GlobalSecondaryIndexes: { GSI2: { CapacityUnits: 1 }, GSI3: { CapacityUnits: 1 } },
    };
    assert.deepEqual(keysToReadBack('UpdateItem', input, consumed), [
      { TableName: 'payments', Key: input.Key },
    ]);
    const committed = () => ({ PK: S('OBJ#a'), GSI2PK: S('SETL#m_1#q') });
    assert.deepEqual(keyAccesses('UpdateItem', input, consumed, committed), [
      { index: 'table', pk: 'OBJ#a', write: true, units: 1 },
      { index: 'GSI2', pk: 'SETL#m_1#q', write: true, units: 1 },
      { index: 'GSI3', pk: 'RECON#sandbox#2026-12-06#q', write: true, units: 1 },
    ]);
  });

  it('attributes a Query on an index to the index’s partition key', () => {
    const input = {
      TableName: 'payments',
      IndexName: 'GSI1',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'GSI1PK' },
      ExpressionAttributeValues: { ':pk': S('MER#m_1') },
    };
    assert.equal(queryPartition(input), 'MER#m_1');
    assert.deepEqual(keyAccesses('Query', input, { CapacityUnits: 0.5 }, none), [
      { index: 'GSI1', pk: 'MER#m_1', write: false, units: 0.5 },
    ]);
  });

  it('spreads a BatchGetItem’s units over the keys it asked for', () => {
    const input = {
      RequestItems: {
        payments: {
          Keys: [
            { PK: S('CHANNEL#sandbox'), SK: S('SETTINGS') },
            { PK: S('CHANNEL#sandbox'), SK: S('BREAKER') },
          ],
        },
      },
    };
    assert.deepEqual(
      keyAccesses('BatchGetItem', input, [{ TableName: 'payments', CapacityUnits: 1 }], none),
      [
        { index: 'table', pk: 'CHANNEL#sandbox', write: false, units: 0.5 },
        { index: 'table', pk: 'CHANNEL#sandbox', write: false, units: 0.5 },
      ],
    );
  });
});

describe('transactionAccesses', () => {
  it('charges 2 units per item per KB on each item’s key, and the index writes of its Put', () => {
    const accesses = transactionAccesses(
      [
        {
          Put: {
            TableName: 'payments',
            Item: { PK: S('OBJ#a'), SK: S('OBJ'), GSI1PK: S('MER#m_1'), GSI1SK: S('t') },
          },
        },
        {
          Update: {
            TableName: 'payments',
            Key: { PK: S('CTR#m_1#AMT#2026-12-06#USD'), SK: S('CTR') },
            UpdateExpression: 'ADD #t :n',
            ExpressionAttributeNames: { '#t': 'total' },
            ExpressionAttributeValues: { ':n': { N: '2500' } },
          },
        },
      ],
      () => ({ PK: S('CTR#m_1#AMT#2026-12-06#USD'), SK: S('CTR'), total: { N: '5000' } }),
    );
    assert.deepEqual(accesses, [
      { index: 'table', pk: 'OBJ#a', write: true, units: 2 },
      { index: 'GSI1', pk: 'MER#m_1', write: true, units: 1 },
      { index: 'table', pk: 'CTR#m_1#AMT#2026-12-06#USD', write: true, units: 2 },
    ]);
  });
});

describe('minimumReadUnits', () => {
  it('bills a GetItem 1 unit strongly consistent and 0.5 eventually, found or not', () => {
    assert.equal(minimumReadUnits('GetItem', { ConsistentRead: true }, {}), 1);
    assert.equal(minimumReadUnits('GetItem', {}, {}), 0.5);
  });

  it('bills each key a BatchGetItem read, by its table’s consistency, but not those left unprocessed', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ PK: S(`K#${i}`) }));
    const input = {
      RequestItems: { a: { Keys: keys(3), ConsistentRead: true }, b: { Keys: keys(4) } },
    };
    assert.equal(minimumReadUnits('BatchGetItem', input, {}), 3 + 2);
    assert.equal(minimumReadUnits('BatchGetItem', input, { UnprocessedKeys: { b: { Keys: keys(2) } } }), 4);
  });

  it('sets no minimum for the other operations (their units are DynamoDB’s)', () => {
    assert.equal(minimumReadUnits('Query', { ConsistentRead: true }, {}), 0);
    assert.equal(minimumReadUnits('PutItem', {}, {}), 0);
  });
});
