import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ApiEvent } from '../../../shared/http/api-event.js';
import { setApiKeyResolver } from '../../../shared/http/api-key-resolver.js';
import { authenticate } from '../../../shared/http/auth-context.js';
import { MerchantSuspendedError, UnauthorizedError } from '../../../shared/http/errors.js';
import type { ApiKeyRecord } from '../../../shared/store/api-keys.js';

const event = (key: string) => ({ headers: { authorization: `Bearer ${key}` } }) as unknown as ApiEvent;
const RECORDS: Record<string, ApiKeyRecord> = {
  sk_live: { merchantId: 'm_1', role: 'merchant', keyId: 'key_1' },
  sk_suspended: { merchantId: 'm_2', role: 'merchant', keyId: 'key_2', merchantSuspended: true },
  sk_ops: { merchantId: 'ops', role: 'ops' },
};

describe('authenticate', () => {
  afterEach(() => setApiKeyResolver(undefined));

  it('answers the caller with its key id, 401 for an unknown key, 403 merchant-suspended for a suspended merchant', async () => {
    // Prepare
    setApiKeyResolver(async (key) => RECORDS[key]);
    // Act & Assess
    assert.deepEqual(await authenticate(event('sk_live')), {
      merchantId: 'm_1',
      role: 'merchant',
      keyId: 'key_1',
    });
    assert.deepEqual(await authenticate(event('sk_ops')), { merchantId: 'ops', role: 'ops' });
    await assert.rejects(authenticate(event('sk_revoked')), UnauthorizedError);
    await assert.rejects(authenticate(event('sk_suspended')), (error: unknown) => {
      assert.ok(error instanceof MerchantSuspendedError);
      assert.equal(error.status, 403);
      assert.equal(error.code, 'merchant-suspended');
      return true;
    });
  });
});
