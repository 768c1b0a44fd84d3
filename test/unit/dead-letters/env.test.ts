import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEnv } from '../../../shared/config/env.js';
import { ConfigError } from '../../../shared/config/errors.js';
import { deadLettersEnvSchema } from '../../../shared/dead-letters/env.js';

const queue = {
  url: 'https://sqs.us-east-1.amazonaws.com/1/q',
  arn: 'arn:aws:sqs:us-east-1:1:q',
  sources: [],
};

describe('dead-letter environment', () => {
  it('parses the DLQ registry built by the stack', () => {
    // Act
    const env = loadEnv(deadLettersEnvSchema, {
      TABLE_NAME: 't',
      DEAD_LETTER_QUEUES: JSON.stringify({ 'merchant-webhooks': queue }),
    });
    // Assess
    assert.deepEqual(env.DEAD_LETTER_QUEUES, { 'merchant-webhooks': queue });
  });

  it('fails loudly, naming the variable, on missing or malformed JSON, a bad name or a queue without ARN', () => {
    for (const value of [
      undefined,
      '{',
      JSON.stringify({ Bad_Name: queue }),
      JSON.stringify({ ok: { ...queue, arn: 'x' } }),
    ]) {
      assert.throws(
        () => loadEnv(deadLettersEnvSchema, { TABLE_NAME: 't', DEAD_LETTER_QUEUES: value }),
        (error) => error instanceof ConfigError && error.message.includes('DEAD_LETTER_QUEUES'),
        String(value),
      );
    }
  });
});
