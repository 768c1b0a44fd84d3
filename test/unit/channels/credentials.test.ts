import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  parseCredentials,
  secretsManagerCredentials,
  staticCredentials,
} from '../../../shared/channels/credentials.js';
import { ChannelCredentialsError } from '../../../shared/channels/errors.js';

const stripe = { secretKey: 'sk_test_1', webhookSecrets: ['whsec_old', 'whsec_new'] };
const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'us-east-1' });

describe('channel credentials', () => {
  beforeEach(() => sm.reset());

  it('reads a channel secret by the id its variable names, and caches it until the TTL', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(stripe), VersionId: 'v1' });
    let clock = 0;
    const source = secretsManagerCredentials({
      readSecret: (id) => client.send(new GetSecretValueCommand({ SecretId: id })),
      secretIds: { stripe: 'arn:aws:secretsmanager:us-east-1:1:secret:stripe' },
      ttlMs: 1000,
      now: () => clock,
    });
    // Act
    const [first, second] = await Promise.all([source.load('stripe'), source.load('stripe')]);
    clock = 999;
    await source.load('stripe');
    clock = 1000;
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ ...stripe, webhookSecrets: ['whsec_new'] }),
      VersionId: 'v2',
    });
    const rotated = await source.load('stripe');
    // Assess
    assert.deepEqual(first, { credentials: stripe, version: 'v1' });
    assert.deepEqual(second, first);
    assert.equal(sm.commandCalls(GetSecretValueCommand).length, 2);
    assert.equal(
      sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId,
      'arn:aws:secretsmanager:us-east-1:1:secret:stripe',
    );
    assert.deepEqual(rotated, { credentials: { ...stripe, webhookSecrets: ['whsec_new'] }, version: 'v2' });
  });

  it('keeps the last good credentials when a refresh fails, and fails without any', async () => {
    // Prepare
    let clock = 0;
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(stripe), VersionId: 'v1' })
      .rejects(new Error('throttled'));
    const stale: string[] = [];
    const source = secretsManagerCredentials({
      readSecret: (id) => client.send(new GetSecretValueCommand({ SecretId: id })),
      secretIds: { stripe: 's', alipay: 'a' },
      ttlMs: 10,
      now: () => clock,
      onStale: (channel) => stale.push(channel),
    });
    // Act
    await source.load('stripe');
    clock = 50;
    const kept = await source.load('stripe');
    // Assess
    assert.equal(kept.version, 'v1');
    assert.deepEqual(stale, ['stripe']);
    await assert.rejects(source.load('alipay'), (e: unknown) => {
      assert.ok(e instanceof ChannelCredentialsError);
      assert.equal(e.code, 'credentials_unavailable');
      return true;
    });
  });

  it('refuses a channel without a configured secret', async () => {
    const source = secretsManagerCredentials({
      readSecret: (id) => client.send(new GetSecretValueCommand({ SecretId: id })),
      secretIds: {},
    });
    await assert.rejects(source.load('wechatpay'), /CHANNEL_SECRET_WECHATPAY is not set/);
    assert.equal(sm.commandCalls(GetSecretValueCommand).length, 0);
  });

  it('validates each channel shape, naming the fields but never the values', () => {
    assert.throws(
      () => parseCredentials('stripe', JSON.stringify({ secretKey: 'sk_live_SECRET', webhookSecrets: [] })),
      (e: unknown) => {
        assert.ok(e instanceof ChannelCredentialsError);
        assert.equal(e.code, 'credentials_invalid');
        assert.match(e.message, /webhookSecrets/);
        assert.doesNotMatch(e.message, /SECRET/);
        return true;
      },
    );
    assert.throws(() => parseCredentials('alipay', '{"placeholder":true,"value":"x"}'), /appId/);
    assert.throws(() => parseCredentials('sandbox', 'not json'), /not JSON/);
    const wechat = {
      mchid: '1900000001',
      appid: 'wx1',
      merchantSerial: 'S',
      merchantPrivateKeyPem: 'pem',
      platformKeys: [
        { serial: 'P1', publicKeyPem: 'a' },
        { serial: 'P2', publicKeyPem: 'b' },
      ],
      apiV3Keys: ['k1', 'k2'],
    };
    assert.deepEqual(parseCredentials('wechatpay', JSON.stringify(wechat)), wechat);
  });

  it('serves fixed credentials for tests and scripts', async () => {
    const source = staticCredentials({ sandbox: { webhookSecrets: ['whsec_x'] } });
    assert.deepEqual((await source.load('sandbox')).credentials, { webhookSecrets: ['whsec_x'] });
    await assert.rejects(source.load('stripe'), ChannelCredentialsError);
  });
});
