/**
 * Risk before in the template: the ops profile routes and the grants of the before-checks, each limited
 * to the partition-key prefixes the function touches (`dynamodb:LeadingKeys`). Bundling is skipped: the
 * wiring is what matters here (payments-stack.test.ts bundles and checks every function).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { dynamoStatements, exposedAliasArn, type Resource, referencedId, synthesize } from './synthesized.js';

const { app, resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });
after(() => rmSync(app.outdir, { recursive: true, force: true }));

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
      'dynamodb:GetItem [RISK#*,RISKVEL#*,RISKCUS#*,RISKSUM#*,HOLD#*,KEY#*,MER#*,OBJ#*]',
      'dynamodb:Query [RISK#*]',
    ]);
  });

  it('lets PUT write only risk profiles beyond its key lookup', () => {
    const [, fn] = functionDescribed(`PUT ${PATH}`);
    assert.deepEqual(dynamoStatements(resources, fn), [
      'dynamodb:GetItem [RISK#*,RISKVEL#*,RISKCUS#*,RISKSUM#*,HOLD#*,KEY#*,MER#*,OBJ#*]',
      'dynamodb:PutItem [RISK#*]',
    ]);
  });

  it('lets create-payment query profiles, read and update risk counters only (and quota usage, channel facts): no daily summary', () => {
    const [, fn] = functionDescribed('POST /v1/payments');
    assert.deepEqual(dynamoStatements(resources, fn), [
      'dynamodb:BatchGetItem [CHANNEL#*,HLT#*]',
      'dynamodb:BatchGetItem,dynamodb:UpdateItem [CTR#*]',
      'dynamodb:BatchGetItem,dynamodb:UpdateItem [QUOTA#*]',
      'dynamodb:GetItem [OBJ#*,CTR#*,KEY#*,MER#*,ROUTING#*,CHANNEL#*,HLT#*]',
      'dynamodb:PutItem [OBJ#*,CTR#*]',
      'dynamodb:Query [RISK#*]',
    ]);
  });

  it("lets create-payment invoke risk's count-refusal and the gateway's flow-lease through their live aliases, and no other function", () => {
    const [, fn] = functionDescribed('POST /v1/payments');
    const roleId = referencedId(fn.Properties.Role);
    const invokes = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).map(referencedId).includes(roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, any>[] }).Statement)
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('lambda:')));
    const arn = exposedAliasArn('risk', 'count-refusal');
    // Flow control's leases are the gateway's function's (its route is a merchant route).
    assert.deepEqual(
      invokes.map((s) => [s.Action, s.Resource]),
      [
        ['lambda:InvokeFunction', exposedAliasArn('gateway', 'flow-lease')],
        ['lambda:InvokeFunction', arn],
      ],
    );
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.deepEqual(env.COUNT_REFUSAL_FUNCTION_ARN, arn);
  });
});
