import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callbackEnvSchema, dispatchEnvSchema, loadEnv, tableEnvSchema } from '../../../shared/config/env.js';
import { ConfigError } from '../../../shared/config/errors.js';

describe('environment', () => {
  it('fails loudly, naming the variable, when one is missing', () => {
    // Act & Assess
    assert.throws(
      () => loadEnv(tableEnvSchema, {}),
      (error: unknown) => error instanceof ConfigError && error.variables.includes('TABLE_NAME'),
    );
    assert.throws(
      () => loadEnv(callbackEnvSchema, { TABLE_NAME: 't', SANDBOX_WEBHOOK_SECRETS: ' , ' }),
      ConfigError,
    );
    assert.throws(
      () => loadEnv(dispatchEnvSchema, { TABLE_NAME: 't', SANDBOX_PSP_URL: 'not a url' }),
      ConfigError,
    );
  });

  it('splits rotating secrets and trims the PSP URL', () => {
    // Act
    const callback = loadEnv(callbackEnvSchema, { TABLE_NAME: 't', SANDBOX_WEBHOOK_SECRETS: 'a, b,' });
    const dispatch = loadEnv(dispatchEnvSchema, {
      TABLE_NAME: 't',
      SANDBOX_PSP_URL: 'http://127.0.0.1:4010/',
    });
    // Assess
    assert.deepEqual(callback.SANDBOX_WEBHOOK_SECRETS, ['a', 'b']);
    assert.equal(dispatch.SANDBOX_PSP_URL, 'http://127.0.0.1:4010');
  });
});
