/**
 * Routing in the template: the ops routes of routing configurations and the grants routing adds to create-payment, each limited
 * to the partition-key prefixes the function touches (`dynamodb:LeadingKeys`). Bundling is skipped: the
 * wiring is what matters here (payments-stack.test.ts bundles and checks every function).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dynamoStatements, type Resource, synthesize } from './synthesized.js';

const { resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const PATH = '/v1/ops/merchants/{merchantId}/routing';

function functionDescribed(description: string): [string, Resource] {
  const found = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.Description === description);
  assert.ok(found, `no function described ${description}`);
  return found;
}

describe('routing in the template', () => {
  it('serves GET and PUT of the routing configuration from their own functions, without a gateway authorizer', () => {
    for (const method of ['GET', 'PUT']) {
      const [, route] =
        ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === `${method} ${PATH}`) ??
        [];
      assert.ok(route, `${method} ${PATH}`);
      assert.equal(route.Properties.AuthorizationType, 'NONE');
      functionDescribed(`${method} ${PATH}`);
    }
  });

  it('lets GET read single items only (the key lookup also reads the merchant and its configuration)', () => {
    const [, fn] = functionDescribed(`GET ${PATH}`);
    assert.deepEqual(dynamoStatements(resources, fn), [
      'dynamodb:GetItem [CHANNEL#*,HLT#*,ROUTING#*,QUOTA#*,KEY#*,MER#*]',
    ]);
  });

  it('lets PUT write only routing configurations beyond its key lookup', () => {
    const [, fn] = functionDescribed(`PUT ${PATH}`);
    assert.deepEqual(dynamoStatements(resources, fn), [
      'dynamodb:GetItem [CHANNEL#*,HLT#*,ROUTING#*,QUOTA#*,KEY#*,MER#*]',
      'dynamodb:PutItem [ROUTING#*]',
    ]);
  });

  it('lets create-payment read and count quota usage shards, and nothing else new', () => {
    const [, fn] = functionDescribed('POST /v1/payments');
    assert.ok(
      dynamoStatements(resources, fn).includes('dynamodb:BatchGetItem,dynamodb:UpdateItem [QUOTA#*]'),
    );
  });

  it("answers create's routing reads from the channels' own functions, each granted only the reads it makes", () => {
    const described = (part: string) => {
      const found = ofType('AWS::Lambda::Function').find(([, r]) =>
        String(r.Properties.Description).includes(part),
      );
      assert.ok(found, part);
      return found[1];
    };
    assert.deepEqual(
      dynamoStatements(resources, described("a merchant's routing configuration, for routing")),
      ['dynamodb:GetItem [ROUTING#*]'],
    );
    assert.deepEqual(dynamoStatements(resources, described('breakers and outcome windows, for routing')), [
      'dynamodb:BatchGetItem [CHANNEL#*,HLT#*]',
    ]);
  });

  it('does not invoke the dispatcher for a payment stored failed at create', () => {
    const mapping = ofType('AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined)
      .find((f) => f?.Filters.some((p) => p.Pattern.includes('"refund"')));
    assert.ok(mapping);
    const pattern = JSON.parse(mapping.Filters[0]?.Pattern ?? '{}');
    assert.deepEqual(pattern.dynamodb.NewImage.status, { S: ['processing', 'pending'] });
  });
});
