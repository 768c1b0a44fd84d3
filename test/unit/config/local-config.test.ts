/**
 * `local.config.json` is what the local emulator seeds and serves: it must be exactly what
 * scripts/local-config.ts builds from the product's code, so a change to how keys are stored, to the
 * contract's local credentials or to the secret's name cannot leave the emulator seeding stale items.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LOCAL_CONFIG_FILE, localConfig, localConfigText } from '../../../scripts/local-config.js';
import { parseCredentials } from '../../../shared/channels/credentials.js';
import { keys } from '../../../shared/store/keys.js';

describe('local.config.json', () => {
  it('is what npm run local:config writes (run it after changing the seeded items)', () => {
    assert.equal(readFileSync(LOCAL_CONFIG_FILE, 'utf8'), localConfigText());
  });

  it("stores the contract's local keys only as SHA-256 digests, each for its principal and role", () => {
    // Arrange
    const items = localConfig().seed[0]?.items ?? [];
    const stored = JSON.stringify(items);
    const contract = [
      { apiKey: 'sk_test_demo_1', merchantId: 'm_demo_1', role: 'merchant' },
      { apiKey: 'sk_test_demo_2', merchantId: 'm_demo_2', role: 'merchant' },
      { apiKey: 'sk_test_ops', merchantId: 'ops', role: 'ops' },
    ];

    // Act & Assess
    for (const c of contract) {
      assert.ok(!stored.includes(c.apiKey), `${c.apiKey} is not stored in clear`);
      const digest = createHash('sha256').update(c.apiKey).digest('hex');
      const item = items.find((i) => i.PK === keys.apiKey(digest).PK);
      assert.ok(item, `the digest of ${c.apiKey} is seeded`);
      assert.equal(item.merchantId, c.merchantId);
      assert.equal(item.role, c.role);
    }
    for (const merchantId of ['m_demo_1', 'm_demo_2']) {
      assert.ok(items.some((i) => i.PK === keys.merchant(merchantId).PK && i.entity === 'merchant'));
    }
  });

  it('serves the sandbox webhook secret under the name the template resolves', () => {
    const config = localConfig();
    assert.equal(config.secrets['payments/channels/sandbox/webhook-secrets'], 'whsec_sandbox_local');
    assert.equal(config.simulators.sandboxPsp.secret, 'whsec_sandbox_local');
  });

  it("serves each vendor channel's contract credentials as valid secrets, its simulator's URL to the functions", () => {
    const config = localConfig();
    const stripe = parseCredentials('stripe', config.secrets['payments/channels/stripe/credentials'] ?? '');
    const alipay = parseCredentials('alipay', config.secrets['payments/channels/alipay/credentials'] ?? '');
    const wechat = parseCredentials(
      'wechatpay',
      config.secrets['payments/channels/wechatpay/credentials'] ?? '',
    );
    assert.deepEqual(stripe, { secretKey: 'sk_test_local_stripe', webhookSecrets: ['whsec_stripe_local'] });
    assert.equal(alipay.appId, '2021000000000001');
    assert.match(alipay.appPrivateKeyPem, /BEGIN PRIVATE KEY/);
    assert.equal(wechat.mchid, '1900000001');
    assert.deepEqual(
      wechat.platformKeys.map((k) => k.serial),
      ['PUB_KEY_ID_0000000000000001'],
    );
    assert.equal(Buffer.byteLength(wechat.apiV3Keys[0] ?? ''), 32);
    assert.equal(config.environment.STRIPE_API_URL, '$' + '{stripe.url}');
    assert.equal(config.simulators.stripe.callbackPath, '/v1/channels/stripe/callbacks');
  });
});
