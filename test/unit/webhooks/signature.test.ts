import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateEndpointSecret, signPayload, verifyPayload } from '../../../shared/webhooks/signature.js';

const NOW = 1_900_000_000;

describe('Payments-Signature', () => {
  it('verifies what it signed, for any secret and body', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (secret, body) => {
        // Act
        const verdict = verifyPayload(signPayload(secret, NOW, body), body, secret, NOW);
        // Assess
        assert.deepEqual(verdict, { ok: true, t: NOW });
      }),
    );
  });

  it('refuses another secret and another body', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.string({ minLength: 1 }),
        (secret, body, extra) => {
          // Prepare
          const header = signPayload(secret, NOW, body);
          // Act
          const otherSecret = verifyPayload(header, body, `${secret}${extra}`, NOW);
          const otherBody = verifyPayload(header, `${body}${extra}`, secret, NOW);
          // Assess
          assert.deepEqual(otherSecret, { ok: false, reason: 'mismatch' });
          assert.deepEqual(otherBody, { ok: false, reason: 'mismatch' });
        },
      ),
    );
  });

  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")> as the contract spells it', () => {
    // Prepare
    const body = '{"id":"evt_x","type":"payment.succeeded"}';
    const expected = createHmac('sha256', 'whsec_abc').update(`${NOW}.${body}`).digest('hex');
    // Act
    const header = signPayload('whsec_abc', NOW, body);
    // Assess
    assert.equal(header, `t=${NOW},v1=${expected}`);
  });

  it('refuses a signature older than the tolerance', () => {
    const header = signPayload('whsec_abc', NOW - 301, 'body');
    assert.deepEqual(verifyPayload(header, 'body', 'whsec_abc', NOW), { ok: false, reason: 'stale' });
  });

  it('generates whsec_ secrets of 32 random bytes, never twice the same', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateEndpointSecret));
    assert.equal(secrets.size, 100);
    for (const s of secrets) {
      assert.match(s, /^whsec_[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(s.slice(6), 'base64url').length, 32);
    }
  });
});
