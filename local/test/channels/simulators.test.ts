/** The configuration of the channel simulators, and `startChannelSimulators` calling back on its paths. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startChannelSimulators } from '../../src/channels/index.js';
import { loadConfig } from '../../src/config.js';
import { startReceiver } from './receiver.js';

describe('channel simulators configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-sims-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads simulators.stripe/alipay/wechatpay, key files relative to the configuration file', () => {
    const file = join(dir, 'local.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        simulators: {
          stripe: { callbackPath: '/v1/channels/stripe/callbacks' },
          alipay: { callbackPath: '/v1/channels/alipay/callbacks', merchantPublicKeyFile: 'keys/a.pem' },
          wechatpay: { callbackPath: '/v1/channels/wechatpay/callbacks', apiV3Key: 'k'.repeat(32) },
        },
      }),
    );
    const { simulators } = loadConfig(file);
    assert.equal(simulators.stripe?.callbackPath, '/v1/channels/stripe/callbacks');
    assert.equal(simulators.alipay?.merchantPublicKeyFile, join(dir, 'keys/a.pem'));
    assert.equal(simulators.wechatpay?.apiV3Key, 'k'.repeat(32));
    assert.equal(simulators.sandboxPsp, undefined);

    writeFileSync(file, JSON.stringify({ simulators: { stripe: { secretKey: 'sk' } } }));
    assert.throws(() => loadConfig(file), /simulators\.stripe must be/);
  });

  it('starts the configured simulators, each calling back on its own path', async () => {
    const receiver = await startReceiver({ status: 200, body: '{}' });
    const base = receiver.url.replace(/\/callbacks$/, '');
    copyFileSync(
      new URL('../../channel-test-keys/alipay-merchant-public.pem', import.meta.url),
      join(dir, 'merchant.pem'),
    );
    const sims = await startChannelSimulators(
      {
        stripe: { callbackPath: '/stripe' },
        alipay: { callbackPath: '/alipay', merchantPublicKeyFile: join(dir, 'merchant.pem') },
      },
      { callbackUrl: (path) => `${base}${path}`, delayMs: 10 },
    );
    try {
      assert.deepEqual(Object.keys(sims.urls).sort(), ['alipay', 'stripe']);
      const created = await fetch(`${sims.urls.stripe}/v1/payment_intents`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer sk_test_local_stripe',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'amount=100&currency=usd&metadata[reference]=pay_1',
      });
      assert.equal(created.status, 200);
      const delivery = await receiver.next(() => true);
      assert.equal(delivery.path, '/stripe');
    } finally {
      await sims.close();
      await receiver.close();
    }
  });
});
