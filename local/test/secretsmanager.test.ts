/** The local Secrets Manager endpoint through the real @aws-sdk/client-secrets-manager (AWS JSON 1.1). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { AwsJsonServer } from '../src/aws-json.js';
import { createLogger } from '../src/log.js';
import { startSecretsManagerEndpoint } from '../src/secretsmanager.js';

describe('local Secrets Manager endpoint', () => {
  let server: AwsJsonServer;
  let client: SecretsManagerClient;
  before(async () => {
    server = await startSecretsManagerEndpoint({
      secrets: { 'payments/channels/stripe/credentials': '{"secretKey":"sk"}' },
      region: 'us-east-1',
      accountId: '000000000000',
      log: createLogger({ quiet: true }),
    });
    client = new SecretsManagerClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  it('answers GetSecretValue by name, by local ARN and by an ARN with the AWS suffix', async () => {
    for (const id of [
      'payments/channels/stripe/credentials',
      'arn:aws:secretsmanager:us-east-1:000000000000:secret:payments/channels/stripe/credentials',
      'arn:aws:secretsmanager:us-east-1:000000000000:secret:payments/channels/stripe/credentials-AbC123',
    ]) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: id }));
      assert.equal(out.SecretString, '{"secretKey":"sk"}');
      assert.equal(out.Name, 'payments/channels/stripe/credentials');
      assert.match(out.VersionId ?? '', /^[0-9a-f]{32}$/);
    }
  });

  it('answers an unknown secret ResourceNotFoundException, other actions UnknownOperationException', async () => {
    await assert.rejects(client.send(new GetSecretValueCommand({ SecretId: 'nope' })), {
      name: 'ResourceNotFoundException',
    });
    await assert.rejects(client.send(new ListSecretsCommand({})), /not supported/);
  });
});
