/**
 * Merchant webhooks in the template: routes, the consumer's rule (every payment and refund event),
 * its queue and DLQ, the environment the handler parses, least-privilege grants, bundle size.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../shared/webhooks/backoff.js';
import { WEBHOOK_DETAIL_TYPES } from '../../shared/webhooks/event-types.js';
import { URL_POLICY_VARIABLE } from '../../shared/webhooks/url-policy.js';
import { type Resource, synthesize } from './synthesized.js';

const { resources, functions } = synthesize();

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const fnBySource = (source: string) => {
  const fn = functions.find((f) => f.source === source);
  assert.ok(fn, `no function built from ${source}`);
  return fn;
};
/** Every statement of the policies attached to `roleRef`'s role. */
function statementsOf(roleLogicalId: string): Record<string, any>[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleLogicalId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, any>[] }).Statement);
}
const actionsOf = (statements: Record<string, any>[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])) as string[];
const roleOf = (fn: Resource) => (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

describe('merchant webhooks infrastructure', () => {
  it('routes POST /v1/webhook-endpoints and GET /v1/webhook-endpoints/{id}/deliveries', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    assert.ok(keys.includes('POST /v1/webhook-endpoints'));
    assert.ok(keys.includes('GET /v1/webhook-endpoints/{id}/deliveries'));
  });

  it('never gives a function the loopback-receiver allowance of the local runtime', () => {
    const allowed = ofType('AWS::Lambda::Function').filter(([, fn]) =>
      JSON.stringify(fn.Properties.Environment ?? {}).includes(URL_POLICY_VARIABLE),
    );
    assert.deepEqual(
      allowed.map(([id]) => id),
      [],
    );
  });

  it('routes every payment and refund event, and nothing else, to the webhook queue', () => {
    const rule = ofType('AWS::Events::Rule').find(([id]) => id.includes('MerchantWebhooksRule'));
    assert.ok(rule, 'no MerchantWebhooks rule');
    const pattern = rule[1].Properties.EventPattern as { 'detail-type': string[]; source: string[] };
    assert.deepEqual([...pattern['detail-type']].sort(), [...WEBHOOK_DETAIL_TYPES].sort());
    assert.deepEqual(pattern.source, ['payments']);
  });

  it('dead-letters after the consumer’s last try, and tells the consumer that count and its queue', () => {
    const queue = ofType('AWS::SQS::Queue').find(([id]) => /MerchantWebhooksQueue/.test(id));
    assert.ok(queue);
    const redrive = queue[1].Properties.RedrivePolicy as { maxReceiveCount: number };
    assert.equal(redrive.maxReceiveCount, DEFAULT_MAX_RECEIVE_COUNT);
    const consumer = fnBySource('functions/events/merchant-webhooks.ts').resource;
    const env = (consumer.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.deepEqual(env.WEBHOOK_QUEUE_URL, { Ref: queue[0] });
    assert.equal(env.WEBHOOK_MAX_RECEIVE_COUNT, String(DEFAULT_MAX_RECEIVE_COUNT));
    assert.ok(env.TABLE_NAME);
  });

  it('grants each function only what it calls', () => {
    const consumer = fnBySource('functions/events/merchant-webhooks.ts').resource;
    const consumerActions = actionsOf(statementsOf(roleOf(consumer)));
    for (const a of [
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'sqs:ChangeMessageVisibility',
    ]) {
      assert.ok(consumerActions.includes(a), a);
    }
    for (const a of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan', 'sqs:SendMessage']) {
      assert.ok(!consumerActions.includes(a), a);
    }
    const create = fnBySource('functions/api/create-webhook-endpoint.ts').resource;
    assert.deepEqual(
      actionsOf(statementsOf(roleOf(create)))
        .filter((a) => a.startsWith('dynamodb:'))
        .sort(),
      // No UpdateItem: flow control's leases are the gateway's flow-lease function's writes.
      ['dynamodb:GetItem', 'dynamodb:PutItem'],
    );
    const list = fnBySource('functions/api/list-webhook-deliveries.ts').resource;
    assert.deepEqual(
      actionsOf(statementsOf(roleOf(list)))
        .filter((a) => a.startsWith('dynamodb:'))
        .sort(),
      ['dynamodb:GetItem', 'dynamodb:Query'],
    );
  });

  it('keeps each webhook bundle under 300 KB', () => {
    for (const source of [
      'functions/events/merchant-webhooks.ts',
      'functions/api/create-webhook-endpoint.ts',
      'functions/api/list-webhook-deliveries.ts',
    ]) {
      const size = statSync(join(fnBySource(source).assetDir, 'index.mjs')).size;
      assert.ok(size <= 300 * 1024, `${source}: ${size} bytes`);
    }
  });
});
