/**
 * Request signing in the template: its ops route, served by its own function without a gateway
 * authorizer, whose only write is a PutItem on merchant records (`dynamodb:LeadingKeys` MER#*). Bundling
 * is skipped: the wiring is what matters here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dynamoStatements, synthesize } from './synthesized.js';

const { resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const ROUTE = 'PUT /v1/ops/merchants/{merchantId}/request-signing';

describe('request signing in the template', () => {
  it('routes PUT request-signing to its own function, without a gateway authorizer', () => {
    const [, route] =
      ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === ROUTE) ?? [];
    assert.ok(route, ROUTE);
    assert.equal(route.Properties.AuthorizationType, 'NONE');
  });

  it('lets the function write merchant records only, beyond its key lookup', () => {
    const [, fn] = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.Description === ROUTE) ?? [];
    assert.ok(fn, ROUTE);
    assert.deepEqual(dynamoStatements(resources, fn), [
      'dynamodb:GetItem [KEY#*,MER#*,MERLIST#*,MERCHANTS,FLOW#*,USAGE#*,USAGEBATCH#*,BILLING,OBJ#*]',
      'dynamodb:PutItem [MER#*]',
    ]);
  });
});
