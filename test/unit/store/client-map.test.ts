/**
 * A client's map round-trips exactly, whatever its key names: through the create schema, the stored
 * pairs, DynamoDB's marshalling (and the JSON of the wire or a stream record), and back to the payment.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { validate } from '../../../shared/http/validation.js';
import { createPaymentBody, paymentSchema } from '../../../shared/schemas/payment.js';
import { fromStoredPairs, toStoredPairs } from '../../../shared/store/client-map.js';
import { metadataOf } from '../../../shared/store/items.js';

const HOSTILE_KEYS = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  'a.b',
  '#',
  '#PK',
  ':v',
  'é😀',
  ' ',
];

/** The map a JSON body holds (JSON.parse makes every key, `__proto__` included, an own property). */
function parsedMap(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  return JSON.parse(JSON.stringify(Object.fromEntries(pairs)));
}

/** Stored, sent over the wire (JSON), read back. */
function throughStore(map: Record<string, string>): Record<string, string> {
  const item = { PK: 'OBJ#x', metadataPairs: toStoredPairs(map) };
  const wire = JSON.parse(JSON.stringify(marshall(item, { removeUndefinedValues: true })));
  return metadataOf(unmarshall(wire));
}

const keyArb = fc.oneof(
  fc.constantFrom(...HOSTILE_KEYS),
  fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
);
const mapArb = fc
  .uniqueArray(fc.tuple(keyArb, fc.string({ maxLength: 50 })), { selector: ([k]) => k, maxLength: 20 })
  .filter((pairs) => pairs.every(([k]) => k.length <= 40));

describe('client maps', () => {
  it('round-trip every key name exactly, in order, through the store mapping', () => {
    fc.assert(
      fc.property(mapArb, (pairs) => {
        // Prepare
        const map = parsedMap(pairs);
        // Act
        const back = throughStore(map);
        // Assess
        assert.deepEqual(Object.entries(back), Object.entries(map));
        assert.equal(Object.getPrototypeOf(back), Object.prototype);
        assert.equal(JSON.stringify(back), JSON.stringify(map));
      }),
      { numRuns: 300 },
    );
  });

  it('pass the create schema and the payment schema unchanged, every key included', () => {
    fc.assert(
      fc.property(mapArb, (pairs) => {
        // Prepare
        const metadata = parsedMap(pairs);
        // Act
        const body = validate(createPaymentBody, { amount: 1, currency: 'USD', metadata }, 'body');
        const answered = validate(paymentSchema, paymentLike(body.metadata ?? {}), 'body');
        // Assess
        assert.equal(JSON.stringify(body.metadata), JSON.stringify(metadata));
        assert.equal(JSON.stringify(answered.metadata), JSON.stringify(metadata));
      }),
      { numRuns: 200 },
    );
  });

  it('keep each hostile key as an ordinary key, never a prototype change', () => {
    // Prepare
    const map = parsedMap(HOSTILE_KEYS.map((k) => [k, `v${k}`]));
    // Act
    const back = throughStore(map);
    // Assess
    assert.equal(Object.hasOwn(back, '__proto__'), true);
    assert.equal(Object.getOwnPropertyDescriptor(back, '__proto__')?.value, 'v__proto__');
    assert.equal(back.constructor, 'vconstructor');
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
  });

  it('reads a map stored the earlier way, as a DynamoDB map', () => {
    // Act & Assess
    assert.deepEqual(metadataOf({ metadata: { order: '1' } }), { order: '1' });
    assert.deepEqual(fromStoredPairs(undefined, undefined), {});
  });

  it('refuses an object value, `__proto__` included, naming its key', () => {
    // Prepare
    const body = JSON.parse('{"amount":1,"currency":"USD","metadata":{"__proto__":{"a":"b"}}}');
    // Act & Assess
    assert.throws(
      () => validate(createPaymentBody, body, 'body'),
      (e: { errors?: { path: string }[] }) => e.errors?.[0]?.path === 'metadata.__proto__',
    );
  });
});

function paymentLike(metadata: Record<string, string>) {
  const now = new Date(0).toISOString();
  return {
    id: 'pay_x',
    object: 'payment',
    merchantId: 'm_1',
    amount: 1,
    currency: 'USD',
    status: 'processing',
    channel: 'sandbox',
    channelReference: null,
    routing: {
      strategy: 'priority',
      rule: null,
      candidates: ['sandbox'],
      chosen: 'sandbox',
      reason: 'default, priority: sandbox, first healthy in order',
      attempts: [{ channel: 'sandbox', outcome: 'pending', at: now }],
    },
    failureCode: null,
    amountRefunded: 0,
    description: null,
    customer: null,
    metadata,
    createdAt: now,
    updatedAt: now,
  };
}
