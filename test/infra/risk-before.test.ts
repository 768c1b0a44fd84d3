/**
 * Risk before in the template: the ops profile routes and the grants of the before-checks, each limited
 * to the partition-key prefixes the function touches (`dynamodb:LeadingKeys`). Bundling is skipped: the
 * wiring is what matters here (payments-stack.test.ts bundles and checks every function).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dynamoStatements, exposedAliasArn, type Resource, referencedId, synthesize } from './synthesized.js';

const { resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const PATH = '/v1/ops/merchants/{merchantId}/risk-profile';

function functionDescribed(description: string): [string, Resource] {
  const found = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.Description === description);
  assert.ok(found, `no function described ${description}`);
  return found;
}

describe('risk before in the template', () => {
  it('serves GET and PUT of the risk profile from their own functions, without a gateway authorizer', () => {
    for (const method of ['GET', 'PUT']) {
      const [, route] =
        ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === `${method} ${PATH}`) ??
        [];
      assert.ok(route, `${method} ${PATH}`);
      assert.equal(route.Properties.AuthorizationType, 'NONE');
      functionDescribed(`${method} ${PATH}`);
    }
  });

  it('lets GET read only risk profiles beyond its key lookup', () => {
    const [, fn] = functionDescribed(`GET ${PATH}`);
    assert.deepEqual(dynamoStatements(resources, fn), [
      'dynamodb:GetItem [RISK#*,RISKVEL#*,RISKCUS#*,RISKSUM#*,HOLD#*,KEY#*,MER#*]',
      'dynamodb:Query [RISK#*]',
    ]);
  });

  it('lets PUT write only risk profiles beyond its key lookup', () => {
    const [, fn] = functionDescribed(`PUT ${PATH}`);
    assert.deepEqual(dynamoStatements(resources, fn), [
      'dynamodb:GetItem [RISK#*,RISKVEL#*,RISKCUS#*,RISKSUM#*,HOLD#*,KEY#*,MER#*]',
      'dynamodb:PutItem [RISK#*]',
    ]);
  });

  it('lets create-payment read and update risk counters only (and quota usage): no profile, routing, channel facts or daily summary', () => {
    const [, fn] = functionDescribed('POST /v1/payments');
    assert.deepEqual(dynamoStatements(resources, fn), [
      'dynamodb:BatchGetItem,dynamodb:UpdateItem [CTR#*]',
      'dynamodb:BatchGetItem,dynamodb:UpdateItem [QUOTA#*]',
      // Core's own keys and the gateway guard of every keyed route: no RISK#, ROUTING#, CHANNEL# or HLT#.
      'dynamodb:GetItem [OBJ#*,CTR#*,KEY#*,MER#*]',
      'dynamodb:PutItem [OBJ#*,CTR#*]',
    ]);
  });

  it("lets create-payment invoke the owners' functions it reads and counts through and the gateway's flow-lease, each by its live alias, and no other function", () => {
    const [, fn] = functionDescribed('POST /v1/payments');
    const roleId = referencedId(fn.Properties.Role);
    const invokes = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).map(referencedId).includes(roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, any>[] }).Statement)
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('lambda:')));
    const expected: Record<string, [string, string]> = {
      COUNT_REFUSAL_FUNCTION_ARN: ['risk', 'count-refusal'],
      MERCHANT_RISK_PROFILE_FUNCTION_ARN: ['risk', 'merchant-risk-profile'],
      ROUTING_CONFIG_FUNCTION_ARN: ['channels', 'routing-config'],
      CHANNEL_FACTS_FUNCTION_ARN: ['channels', 'channel-facts'],
      // Flow control's leases are the gateway's function's (its route is a merchant route).
      FLOW_LEASE_FUNCTION_ARN: ['gateway', 'flow-lease'],
    };
    const arns = Object.values(expected).map(([owner, name]) => exposedAliasArn(owner, name));
    const sort = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
    assert.deepEqual(
      sort(invokes.map((s) => [s.Action, s.Resource])),
      sort(arns.map((arn) => ['lambda:InvokeFunction', arn])),
    );
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    for (const [variable, [owner, name]] of Object.entries(expected))
      assert.deepEqual(env[variable], exposedAliasArn(owner, name), variable);
  });

  it("has risk's merchant-risk-profile query the profiles only", () => {
    const [, fn] = ofType('AWS::Lambda::Function').find(([, r]) =>
      String(r.Properties.Description).includes("a merchant's risk profile and fraud reports"),
    ) ?? [undefined, undefined];
    assert.ok(fn);
    assert.deepEqual(dynamoStatements(resources, fn), ['dynamodb:Query [RISK#*]']);
  });
});
