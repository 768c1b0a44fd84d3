/**
 * Merchants and API keys in the template: their ops routes, each on its own function without a gateway
 * authorizer, and each function's DynamoDB grants limited to the partition-key prefixes it touches
 * (`dynamodb:LeadingKeys`). Bundling is skipped: the wiring is what matters here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dynamoStatements, type Resource, synthesize } from './synthesized.js';

const { resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function functionDescribed(description: string): Resource {
  const found = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.Description === description);
  assert.ok(found, `no function described ${description}`);
  return found[1];
}

/** The role's DynamoDB statements as `actions [leading keys]`. */
const M = '/v1/ops/merchants';
/** The key lookup every keyed route has, on the gateway's own items (infra/services/data-ownership.ts). */
const GET = 'dynamodb:GetItem [KEY#*,MER#*,MERLIST#*,MERCHANTS,FLOW#*,USAGE#*,USAGEBATCH#*,BILLING,OBJ#*]';
const GRANTS: Record<string, string[]> = {
  [`POST ${M}`]: [GET, 'dynamodb:PutItem [OBJ#*,MER#*,MERLIST#*]'],
  [`GET ${M}`]: [GET, 'dynamodb:Query [MERLIST#*]'],
  [`GET ${M}/{merchantId}`]: [GET, 'dynamodb:Query [MER#*]'],
  [`POST ${M}/{merchantId}/review`]: [
    'dynamodb:DeleteItem [MERLIST#*]',
    GET,
    'dynamodb:PutItem [MER#*,MERLIST#*,MERCHANTS]',
  ],
  [`POST ${M}/{merchantId}/suspend`]: [
    'dynamodb:DeleteItem [MERLIST#*]',
    GET,
    'dynamodb:PutItem [MER#*,MERLIST#*]',
  ],
  [`POST ${M}/{merchantId}/reinstate`]: [
    'dynamodb:DeleteItem [MERLIST#*]',
    GET,
    'dynamodb:PutItem [MER#*,MERLIST#*]',
  ],
  [`POST ${M}/{merchantId}/api-keys`]: [
    'dynamodb:ConditionCheckItem [MER#*]',
    GET,
    'dynamodb:PutItem [OBJ#*,KEY#*,MER#*]',
  ],
  [`GET ${M}/{merchantId}/api-keys`]: [GET, 'dynamodb:Query [MER#*]'],
  [`POST ${M}/{merchantId}/api-keys/{keyId}/roll`]: [
    'dynamodb:ConditionCheckItem [MER#*]',
    GET,
    'dynamodb:PutItem [OBJ#*,KEY#*,MER#*]',
    'dynamodb:UpdateItem [MER#*,KEY#*]',
  ],
  [`DELETE ${M}/{merchantId}/api-keys/{keyId}`]: [
    GET,
    'dynamodb:PutItem [MER#*]',
    'dynamodb:UpdateItem [MER#*,KEY#*]',
  ],
};

describe('merchants and API keys in the template', () => {
  for (const [routeKey, grants] of Object.entries(GRANTS)) {
    it(`serves ${routeKey} without a gateway authorizer, writing only its own items`, () => {
      const [, route] =
        ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey) ?? [];
      assert.ok(route, routeKey);
      assert.equal(route.Properties.AuthorizationType, 'NONE');
      assert.deepEqual(dynamoStatements(resources, functionDescribed(routeKey)), grants);
    });
  }

  it('publishes merchant changes: the stream publisher is invoked for inserted change items', () => {
    const patterns = ofType('AWS::Lambda::EventSourceMapping').flatMap(
      ([, m]) =>
        (m.Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined)?.Filters ?? [],
    );
    assert.ok(patterns.some((p) => p.Pattern.includes('"merchantChange"') && p.Pattern.includes('"INSERT"')));
  });
});
