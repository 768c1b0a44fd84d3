import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sign, signatureHeader, verifySignature } from '../../../shared/channels/sandbox/signature.js';

const NOW = 1_900_000_000;

describe('sandbox webhook signature', () => {
  it('verifies what it signed, for any secret and body', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.uint8Array(), (secret, bytes) => {
        // Prepare
        const body = Buffer.from(bytes);
        // Act
        const verdict = verifySignature(signatureHeader(secret, NOW, body), body, [secret], NOW);
        // Assess
        assert.deepEqual(verdict, { ok: true, t: NOW });
      }),
    );
  });

  it('refuses a body with any byte flipped', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, mask) => {
          // Prepare
          const body = Buffer.from(bytes);
          const header = signatureHeader('whsec', NOW, body);
          const tampered = Buffer.from(body);
          const i = at % tampered.length;
          tampered[i] = (tampered[i] ?? 0) ^ mask;
          // Act
          const verdict = verifySignature(header, tampered, ['whsec'], NOW);
          // Assess
          assert.deepEqual(verdict, { ok: false, reason: 'mismatch' });
        },
      ),
    );
  });

  it('refuses a timestamp more than 300 seconds away from now', () => {
    fc.assert(
      fc.property(fc.integer({ min: 301, max: 10_000_000 }), fc.boolean(), (skew, past) => {
        // Prepare
        const t = past ? NOW - skew : NOW + skew;
        // Act
        const verdict = verifySignature(signatureHeader('whsec', t, '{}'), '{}', ['whsec'], NOW);
        // Assess
        assert.deepEqual(verdict, { ok: false, reason: 'stale' });
      }),
    );
  });

  it('accepts any of several v1 values and any of several secrets during rotation', () => {
    // Prepare
    const header = `t=${NOW},v1=${'0'.repeat(64)},v1=${sign('new', NOW, 'x')}`;
    // Act & Assess
    assert.equal(verifySignature(header, 'x', ['old', 'new'], NOW).ok, true);
    assert.equal(verifySignature(signatureHeader(['old', 'new'], NOW, 'x'), 'x', ['new'], NOW).ok, true);
  });

  it('names why a header is refused', () => {
    // Act & Assess
    assert.deepEqual(verifySignature(undefined, 'x', ['s'], NOW), { ok: false, reason: 'missing' });
    assert.deepEqual(verifySignature('v1=abc', 'x', ['s'], NOW), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifySignature(`t=${NOW}`, 'x', ['s'], NOW), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifySignature(`t=soon,v1=${'a'.repeat(64)}`, 'x', ['s'], NOW), {
      ok: false,
      reason: 'malformed',
    });
    assert.deepEqual(verifySignature(`t=${NOW},v1=${'a'.repeat(64)}`, 'x', ['s'], NOW), {
      ok: false,
      reason: 'mismatch',
    });
  });
});
