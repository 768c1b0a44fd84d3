/**
 * The vendor channels' credentials in the template: one Secrets Manager secret per channel (a placeholder
 * until ops put the real JSON), readable by exactly the functions that talk to the channels, each told
 * the secret's ARN (cdk-nag's rotation finding is acknowledged in the construct, checked by cdk-nag.test.ts).
 * Also reports the bundle sizes of the functions that carry the channel adapters.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Resource, synthesize } from './synthesized.js';

const { resources, functions } = synthesize();

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const sourceOfRole = (roleId: string) =>
  functions.find((f) => JSON.stringify(f.resource.Properties.Role).includes(roleId))?.source;

describe('channel secrets', () => {
  const secrets = ofType('AWS::SecretsManager::Secret').filter(([, s]) =>
    String(s.Properties.Name).endsWith('/credentials'),
  );

  it('keeps one secret per vendor channel, with a generated placeholder', () => {
    assert.deepEqual(secrets.map(([, s]) => s.Properties.Name).sort(), [
      'payments/channels/alipay/credentials',
      'payments/channels/stripe/credentials',
      'payments/channels/wechatpay/credentials',
    ]);
    for (const [, s] of secrets) {
      const generated = s.Properties.GenerateSecretString as Record<string, unknown>;
      assert.equal(generated.SecretStringTemplate, '{"placeholder":true}');
    }
  });

  it('lets exactly the callback, the dispatcher, the channel checks and the reconciliation runs read them, each told their ARNs', () => {
    for (const [id] of secrets) {
      const readers = ofType('AWS::IAM::Policy')
        .filter(([, p]) =>
          (p.Properties.PolicyDocument as { Statement: Resource['Properties'][] }).Statement.some(
            (st) =>
              JSON.stringify(st.Resource).includes(`"${id}"`) &&
              JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue'),
          ),
        )
        .flatMap(([, p]) => (p.Properties.Roles as { Ref: string }[]).map((r) => sourceOfRole(r.Ref)))
        .sort();
      assert.deepEqual(readers, [
        'functions/channels/callback.ts',
        'functions/channels/check.ts',
        'functions/channels/dispatch.ts',
        'functions/events/reconcile-run.ts',
      ]);
      for (const source of readers) {
        const fn = functions.find((f) => f.source === source);
        assert.ok(fn, source);
        const env = (fn.resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        assert.ok(
          Object.entries(env).some(
            ([name, v]) => name.startsWith('CHANNEL_SECRET_') && JSON.stringify(v).includes(id),
          ),
          `${source} names ${id}`,
        );
      }
    }
  });

  it('measures the channel functions bundles', (t) => {
    for (const source of [
      'functions/channels/callback.ts',
      'functions/channels/dispatch.ts',
      'functions/events/reconcile-run.ts',
    ]) {
      const fn = functions.find((f) => f.source === source);
      assert.ok(fn, source);
      t.diagnostic(`${source}: ${statSync(join(fn.assetDir, 'index.mjs')).size} bytes`);
    }
  });
});
