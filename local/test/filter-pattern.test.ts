import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidPatternError, matchesAnyPattern, matchesPattern } from '../src/filter-pattern.js';

// A DynamoDB stream record shaped like the examples of the Lambda event filtering documentation.
const record = {
  eventID: 'c9fbe7d0261a5163fcb6940593e41797',
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-2',
  dynamodb: {
    ApproximateCreationDateTime: 1664559083.0,
    Keys: { SK: { S: 'PRODUCT#CHOCOLATE#DARK#1000' }, PK: { S: 'COMPANY#1000' } },
    NewImage: {
      quantity: { N: '50' },
      company_id: { S: '1000' },
      fabric: { S: 'Florida Chocolates' },
      price: { N: '15' },
      stores: { N: '5' },
      product_id: { S: '1000' },
      SK: { S: 'PRODUCT#CHOCOLATE#DARK#1000' },
      PK: { S: 'COMPANY#1000' },
      state: { S: 'FL' },
      type: { S: '' },
    },
    SequenceNumber: '700000000000888747038',
    SizeBytes: 174,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  eventSourceARN:
    'arn:aws:dynamodb:us-east-2:111122223333:table/chocolate-table-StreamsSampleDDBTable/stream/2024',
};

const plain = {
  name: 'Alice',
  age: 30,
  score: 87.5,
  tags: ['a', 'b'],
  nothing: null,
  email: 'Alice@Example.COM',
};

describe('Lambda event filtering', () => {
  it('matches an exact value nested in the new image (AWS documented example)', () => {
    // Prepare
    const pattern = { dynamodb: { NewImage: { state: { S: ['FL'] } } } };

    // Act / Assess
    assert.equal(matchesPattern(pattern, record), true);
    assert.equal(matchesPattern({ dynamodb: { NewImage: { state: { S: ['CA'] } } } }, record), false);
  });

  it('ANDs the keys of a pattern and ORs the values of a leaf', () => {
    assert.equal(
      matchesPattern(
        { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { PK: { S: ['COMPANY#1000'] } } } },
        record,
      ),
      true,
    );
    assert.equal(
      matchesPattern({ eventName: ['REMOVE'], dynamodb: { Keys: { PK: { S: ['COMPANY#1000'] } } } }, record),
      false,
    );
  });

  it('matches the dispatch filter only for inserted payments and refunds', () => {
    const pattern = {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { entity: { S: ['payment', 'refund'] } } },
    };
    const payment = { eventName: 'INSERT', dynamodb: { NewImage: { entity: { S: 'payment' } } } };
    const modified = { eventName: 'MODIFY', dynamodb: { NewImage: { entity: { S: 'payment' } } } };
    const apiKey = { eventName: 'INSERT', dynamodb: { NewImage: { entity: { S: 'apiKey' } } } };
    assert.equal(matchesPattern(pattern, payment), true);
    assert.equal(matchesPattern(pattern, modified), false);
    assert.equal(matchesPattern(pattern, apiKey), false);
  });

  it('matches prefix and suffix, optionally ignoring case', () => {
    assert.equal(
      matchesPattern({ dynamodb: { Keys: { PK: { S: [{ prefix: 'COMPANY' }] } } } }, record),
      true,
    );
    assert.equal(matchesPattern({ dynamodb: { Keys: { SK: { S: [{ suffix: '#1000' }] } } } }, record), true);
    assert.equal(
      matchesPattern({ dynamodb: { Keys: { PK: { S: [{ prefix: 'company' }] } } } }, record),
      false,
    );
    assert.equal(
      matchesPattern(
        { dynamodb: { Keys: { PK: { S: [{ prefix: { 'equals-ignore-case': 'company' } }] } } } },
        record,
      ),
      true,
    );
    assert.equal(
      matchesPattern({ email: [{ suffix: { 'equals-ignore-case': '@example.com' } }] }, plain),
      true,
    );
  });

  it('matches anything-but a value, a list or a prefix', () => {
    assert.equal(
      matchesPattern(
        { dynamodb: { NewImage: { state: { S: [{ 'anything-but': ['CA', 'NY'] }] } } } },
        record,
      ),
      true,
    );
    assert.equal(
      matchesPattern({ dynamodb: { NewImage: { state: { S: [{ 'anything-but': 'FL' }] } } } }, record),
      false,
    );
    assert.equal(matchesPattern({ name: [{ 'anything-but': { prefix: 'Al' } }] }, plain), false);
    assert.equal(matchesPattern({ name: [{ 'anything-but': { prefix: 'Bo' } }] }, plain), true);
  });

  it('does not match anything-but on a missing field', () => {
    assert.equal(matchesPattern({ missing: [{ 'anything-but': 'x' }] }, plain), false);
  });

  it('compares numbers with numeric ranges', () => {
    assert.equal(matchesPattern({ age: [{ numeric: ['>', 18, '<=', 30] }] }, plain), true);
    assert.equal(matchesPattern({ age: [{ numeric: ['<', 30] }] }, plain), false);
    assert.equal(matchesPattern({ score: [{ numeric: ['=', 87.5] }] }, plain), true);
    // DynamoDB numbers travel as strings under "N": a numeric matcher never matches them.
    assert.equal(
      matchesPattern({ dynamodb: { NewImage: { price: { N: [{ numeric: ['>', 10] }] } } } }, record),
      false,
    );
  });

  it('tests presence with exists', () => {
    assert.equal(
      matchesPattern({ dynamodb: { NewImage: { fabric: { S: [{ exists: true }] } } } }, record),
      true,
    );
    assert.equal(
      matchesPattern({ dynamodb: { NewImage: { color: { S: [{ exists: false }] } } } }, record),
      true,
    );
    assert.equal(
      matchesPattern({ dynamodb: { NewImage: { color: { S: [{ exists: true }] } } } }, record),
      false,
    );
  });

  it('matches equals-ignore-case, wildcard, null and empty strings', () => {
    assert.equal(matchesPattern({ email: [{ 'equals-ignore-case': 'alice@example.com' }] }, plain), true);
    assert.equal(matchesPattern({ email: [{ wildcard: '*@Example.*' }] }, plain), true);
    assert.equal(matchesPattern({ nothing: [null] }, plain), true);
    assert.equal(matchesPattern({ dynamodb: { NewImage: { type: { S: [''] } } } }, record), true);
  });

  it('matches when any element of an array in the record matches', () => {
    assert.equal(matchesPattern({ tags: ['b'] }, plain), true);
    assert.equal(matchesPattern({ tags: ['c'] }, plain), false);
  });

  it('ORs the sub-patterns of $or', () => {
    const pattern = { $or: [{ name: ['Bob'] }, { age: [{ numeric: ['>=', 30] }] }] };
    assert.equal(matchesPattern(pattern, plain), true);
    assert.equal(matchesPattern({ $or: [{ name: ['Bob'] }, { age: [1] }] }, plain), false);
  });

  it('ORs the filters of a mapping, and lets everything through without filters', () => {
    assert.equal(matchesAnyPattern([{ name: ['Bob'] }, { name: ['Alice'] }], plain), true);
    assert.equal(matchesAnyPattern([{ name: ['Bob'] }], plain), false);
    assert.equal(matchesAnyPattern([], plain), true);
  });

  it('refuses patterns AWS would reject', () => {
    assert.throws(() => matchesPattern({ name: 'Alice' }, plain), InvalidPatternError);
    assert.throws(() => matchesPattern({ age: [{ numeric: ['>'] }] }, plain), InvalidPatternError);
    assert.throws(() => matchesPattern({ age: [{ between: [1, 2] }] }, plain), InvalidPatternError);
  });
});
