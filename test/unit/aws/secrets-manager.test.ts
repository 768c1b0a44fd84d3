/**
 * The signed GetSecretValue call: an AWS JSON 1.1 request to the Secrets Manager endpoint, signed; the
 * secret's string and version answered; throttling and 5xx retried; other errors named as the service
 * names them (the credentials' error message carries the name).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createLogger } from '../../../local/src/log.js';
import { startSecretsManagerEndpoint } from '../../../local/src/secretsmanager.js';
import { getSecretValue } from '../../../shared/aws/secrets-manager.js';

const saved = { ...process.env };
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:payments/channels/stripe/credentials';

describe('getSecretValue', () => {
  beforeEach(() => {
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = 'http://127.0.0.1:9/';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    process.env.AWS_REGION = 'us-east-1';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('sends a signed GetSecretValue and answers the secret string and its version', async () => {
    // Prepare
    const seen: { url: string; init: RequestInit }[] = [];
    const fake = (async (url: URL, init: RequestInit) => {
      seen.push({ url: String(url), init });
      return new Response(JSON.stringify({ ARN, SecretString: '{"a":1}', VersionId: 'v1', CreatedDate: 0 }), {
        status: 200,
      });
    }) as unknown as typeof fetch;
    // Act
    const value = await getSecretValue(ARN, fake);
    // Assess
    assert.deepEqual(value, { SecretString: '{"a":1}', VersionId: 'v1' });
    assert.equal(seen[0]?.url, 'http://127.0.0.1:9/');
    const headers = seen[0]?.init.headers as Record<string, string>;
    assert.equal(headers['x-amz-target'], 'secretsmanager.GetSecretValue');
    assert.equal(headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(headers['x-amz-security-token'], 'token');
    assert.match(
      headers.authorization ?? '',
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/secretsmanager\/aws4_request/,
    );
    assert.deepEqual(JSON.parse(String(seen[0]?.init.body)), { SecretId: ARN });
  });

  it('retries a 5xx and a throttle, then names the error it cannot get past', async () => {
    // Prepare
    const answers = [
      new Response('{}', { status: 503 }),
      new Response(JSON.stringify({ __type: 'ThrottlingException', message: 'slow down' }), { status: 400 }),
      new Response(JSON.stringify({ SecretString: 's', VersionId: 'v2' }), { status: 200 }),
      new Response(
        JSON.stringify({ __type: 'ResourceNotFoundException', message: "can't find the specified secret" }),
        { status: 400 },
      ),
    ];
    let calls = 0;
    const fake = (async () => answers[calls++]) as unknown as typeof fetch;
    // Act
    const value = await getSecretValue(ARN, fake);
    const missing = getSecretValue('nope', fake);
    // Assess
    assert.deepEqual(value, { SecretString: 's', VersionId: 'v2' });
    await assert.rejects(missing, { name: 'ResourceNotFoundException', message: /can't find/ });
    assert.equal(calls, 4);
  });

  it("reads the local runtime's emulated secret, by name or by ARN, and names a missing one", async () => {
    // Prepare
    const endpoint = await startSecretsManagerEndpoint({
      secrets: { 'payments/channels/stripe/credentials': '{"secretKey":"sk_test_local_stripe"}' },
      region: 'us-east-1',
      accountId: '000000000000',
      log: createLogger({ quiet: true }),
    });
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = endpoint.url;
    try {
      // Act
      const byArn = await getSecretValue(ARN);
      const byName = await getSecretValue('payments/channels/stripe/credentials');
      const missing = getSecretValue('payments/channels/nope/credentials');
      // Assess
      assert.equal(byArn.SecretString, '{"secretKey":"sk_test_local_stripe"}');
      assert.equal(byArn.VersionId, byName.VersionId);
      assert.ok(byArn.VersionId);
      await assert.rejects(missing, { name: 'ResourceNotFoundException' });
    } finally {
      await endpoint.close();
    }
  });
});
