import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateApiKeySecret,
  last4,
  openSecret,
  sealSecret,
} from '../../../shared/store/api-key-secrets.js';

describe('API key secrets', () => {
  it('are sk_ and 256 random bits, never twice the same', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateApiKeySecret));
    assert.equal(secrets.size, 1000);
    for (const secret of secrets) assert.match(secret, /^sk_[A-Za-z0-9_-]{43}$/);
    assert.equal(last4('sk_abcdefgh'), 'efgh');
  });

  it('are sealed for a replay so that only the same Idempotency-Key opens them', () => {
    const secret = generateApiKeySecret();
    const sealed = sealSecret(secret, 'idem-1', 'slot');
    assert.ok(!sealed.includes(secret));
    assert.equal(openSecret(sealed, 'idem-1', 'slot'), secret);
    assert.throws(() => openSecret(sealed, 'idem-2', 'slot'));
    assert.throws(() => openSecret(sealed, 'idem-1', 'other-slot'));
  });
});
