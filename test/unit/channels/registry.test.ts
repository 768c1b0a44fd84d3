import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADAPTER_FACTORIES } from '../../../shared/channels/adapters.js';
import type { CredentialSource } from '../../../shared/channels/credentials.js';
import { ChannelCredentialsError } from '../../../shared/channels/errors.js';
import { channelRegistry, lazyAdapters } from '../../../shared/channels/registry.js';

const STRIPE = { secretKey: 'sk_test_1', webhookSecrets: ['whsec_1'] };

/** A source whose stripe secret can be rotated, counting loads. */
function source() {
  const state = { version: 'v1', loads: 0, credentials: STRIPE };
  const credentials: CredentialSource = {
    async load(channel) {
      state.loads++;
      if (channel !== 'stripe') throw new ChannelCredentialsError('credentials_unavailable', 'none');
      return { credentials: state.credentials as never, version: state.version };
    },
  };
  return { state, credentials };
}

describe('channel registry', () => {
  it('builds an adapter once per secret version, with its base URL from the environment', async () => {
    // Prepare
    const { state, credentials } = source();
    const urls: string[] = [];
    const fetch = (async (url: string) => {
      urls.push(String(url));
      return new Response('{"id":"pi_1","status":"processing"}', { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    const registry = channelRegistry({
      credentials,
      factories: ADAPTER_FACTORIES,
      env: { STRIPE_API_URL: 'http://127.0.0.1:9/' },
      fetch,
    });
    // Act
    const first = await registry.adapter('stripe');
    const again = await registry.adapter('stripe');
    state.version = 'v2';
    const rotated = await registry.adapter('stripe');
    await rotated.submitPayment({ reference: 'pay_1', amount: 100, currency: 'USD' });
    // Assess
    assert.equal(first, again);
    assert.notEqual(first, rotated);
    assert.deepEqual(urls, ['http://127.0.0.1:9/v1/payment_intents']);
    assert.deepEqual(registry.channels, ['sandbox', 'stripe', 'alipay', 'wechatpay']);
  });

  it('refuses channels it has no adapter for', async () => {
    const { stripe } = ADAPTER_FACTORIES;
    const registry = channelRegistry({
      credentials: source().credentials,
      factories: { stripe },
      env: {},
    });
    await assert.rejects(registry.adapter('paypal'), { code: 'unknown_channel' });
    await assert.rejects(registry.adapter('alipay'), { code: 'unknown_channel' });
  });

  it("takes the sandbox's secrets from SANDBOX_WEBHOOK_SECRETS without reading a secret", async () => {
    const { state, credentials } = source();
    const registry = channelRegistry({
      credentials,
      factories: ADAPTER_FACTORIES,
      env: { SANDBOX_WEBHOOK_SECRETS: 'whsec_a, whsec_b', SANDBOX_PSP_URL: 'http://127.0.0.1:9' },
    });
    const adapter = await registry.adapter('sandbox');
    assert.equal(adapter.name, 'sandbox');
    assert.equal(state.loads, 0);
  });

  it('turns a factory that refuses the credentials into credentials_invalid', async () => {
    const registry = channelRegistry({
      credentials: source().credentials,
      factories: {
        stripe: () => {
          throw new Error('bad PEM');
        },
      },
      env: {},
    });
    await assert.rejects(registry.adapter('stripe'), { code: 'credentials_invalid' });
  });

  it('gives lazy adapters that load their credentials on each call', async () => {
    const { state, credentials } = source();
    const fetch = (async () =>
      new Response('{"id":"pi_1","status":"processing"}', {
        status: 200,
      })) as unknown as typeof globalThis.fetch;
    const registry = channelRegistry({ credentials, factories: ADAPTER_FACTORIES, env: {}, fetch });
    const { stripe } = lazyAdapters(registry);
    assert.ok(stripe);
    assert.throws(() => stripe.ack, { code: 'channel_unavailable' });
    const result = await stripe.submitPayment({ reference: 'pay_1', amount: 100, currency: 'USD' });
    assert.equal(result.kind, 'accepted');
    assert.equal(state.loads, 1);
    assert.equal(stripe.ack.status, 200);
  });
});
