import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { base32 } from '../../../shared/domain/base32.js';
import { canonicalJson, idempotencySlot, requestFingerprint } from '../../../shared/store/idempotency.js';

describe('idempotency slots and fingerprints', () => {
  it('encodes base32 as RFC 4648 test vectors, lower case and unpadded', () => {
    // Act & Assess
    assert.equal(base32(Buffer.from('')), '');
    assert.equal(base32(Buffer.from('f')), 'my');
    assert.equal(base32(Buffer.from('fo')), 'mzxq');
    assert.equal(base32(Buffer.from('foobar')), 'mzxw6ytboi');
  });

  it('derives a 26-character slot scoped per merchant', () => {
    // Act
    const a = idempotencySlot('m_1', 'key');
    const b = idempotencySlot('m_2', 'key');
    // Assess
    assert.match(a, /^[a-z2-7]{26}$/);
    assert.notEqual(a, b);
    assert.equal(a, idempotencySlot('m_1', 'key'));
  });

  it('gives the same fingerprint whatever the key order, at every depth', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        // Prepare
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        // Act & Assess
        assert.equal(
          requestFingerprint('POST', '/v1/payments', value),
          requestFingerprint('post', '/v1/payments', reversed),
        );
      }),
    );
    assert.equal(
      canonicalJson({ b: { y: 1, x: [2, { d: 1, c: 0 }] }, a: null }),
      '{"a":null,"b":{"x":[2,{"c":0,"d":1}],"y":1}}',
    );
  });

  it('tells apart the same body sent to another path or with another value', () => {
    // Act & Assess
    const body = { amount: 100 };
    assert.notEqual(requestFingerprint('POST', '/a', body), requestFingerprint('POST', '/b', body));
    assert.notEqual(
      requestFingerprint('POST', '/a', body),
      requestFingerprint('POST', '/a', { amount: 101 }),
    );
  });
});
