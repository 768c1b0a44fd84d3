/**
 * Risk control in the template: the consumer's rule (PaymentCreated) and queue, the
 * risk routes, grants limited to the key prefixes each function touches, bundle sizes.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exposedAliasArn, invokedFunctionId, type Resource, synthesize } from './synthesized.js';

const { resources, functions } = synthesize();

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const fnBySource = (source: string) => {
  const fn = functions.find((f) => f.source === source);
  assert.ok(fn, `no function built from ${source}`);
  return fn;
};
const roleOf = (fn: Resource) => (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
function statementsOf(roleLogicalId: string): Record<string, any>[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleLogicalId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, any>[] }).Statement);
}

describe('risk control in the template', () => {
  it('routes PaymentCreated, and only it, to the risk consumer through its queue', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties as Record<string, any>);
    const risk = rules.find((r) => JSON.stringify(r.Targets ?? []).includes('RiskQueue'));
    assert.ok(risk, 'a rule targets the risk queue');
    assert.deepEqual([...risk.EventPattern['detail-type']], ['PaymentCreated']);
    const consumer = fnBySource('functions/events/risk.ts');
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => invokedFunctionId(resources, m.Properties.FunctionName) === consumer.logicalId,
    );
    assert.equal(mappings.length, 1);
    assert.deepEqual(mappings[0]?.[1].Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
  });

  it('serves the review, fraud report and summary routes', () => {
    const routeKeys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    for (const key of [
      'POST /v1/ops/payments/{id}/review',
      'POST /v1/payments/{id}/fraud-reports',
      'GET /v1/ops/merchants/{merchantId}/risk-summary',
    ]) {
      assert.ok(routeKeys.includes(key), key);
    }
  });

  it('limits the consumer’s writes to risk items: core writes the payment and its refunds', () => {
    const consumer = fnBySource('functions/events/risk.ts');
    const writes = statementsOf(roleOf(consumer.resource)).filter((s) =>
      [s.Action].flat().includes('dynamodb:UpdateItem'),
    );
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0]?.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'], [
      'RISKVEL#*',
      'RISKCUS#*',
      'RISKSUM#*',
      'HOLD#*',
    ]);
  });

  it('lets the consumer and the review route invoke core’s apply-risk-decisions through its live alias, and nothing else', () => {
    const alias = ofType('AWS::Lambda::Alias').find(([id]) =>
      id.startsWith('RiskDecisionsApplyRiskDecisionsFunctionLive'),
    );
    assert.ok(alias, 'core’s function has its live alias');
    // Exposed under its fixed name, which callers build the alias's ARN from (ServiceStack.useFunction).
    const target = (alias[1].Properties.FunctionName as { Ref: string }).Ref;
    assert.equal(resources[target]?.Properties.FunctionName, 'payments-dev-core-apply-risk-decisions');
    const arn = exposedAliasArn('core', 'apply-risk-decisions');
    // The review function also serves the ops timeline, whose events core's payment-events derives.
    const others: Record<string, unknown[]> = {
      'functions/events/risk.ts': [],
      'functions/api/review-payment.ts': [exposedAliasArn('core', 'payment-events')],
    };
    for (const [source, more] of Object.entries(others)) {
      const fn = fnBySource(source);
      const invokes = statementsOf(roleOf(fn.resource)).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('lambda:')),
      );
      assert.deepEqual(
        invokes.map((s) => [s.Action, s.Resource]),
        [arn, ...more].map((resource) => ['lambda:InvokeFunction', resource]),
        source,
      );
      const env = (fn.resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      assert.deepEqual(env.APPLY_RISK_DECISIONS_FUNCTION_ARN, arn, source);
    }
  });

  it('lets the fraud report and the timeline ask core’s payment-customer and payment-events, which read only OBJ#', () => {
    for (const [source, name, variable, action] of [
      [
        'functions/api/create-fraud-report.ts',
        'payment-customer',
        'PAYMENT_CUSTOMER_FUNCTION_ARN',
        'dynamodb:GetItem',
      ],
      ['functions/api/review-payment.ts', 'payment-events', 'PAYMENT_EVENTS_FUNCTION_ARN', 'dynamodb:Query'],
    ] as const) {
      const arn = exposedAliasArn('core', name);
      const caller = fnBySource(source);
      const invokes = statementsOf(roleOf(caller.resource)).filter((s) =>
        [s.Action].flat().includes('lambda:InvokeFunction'),
      );
      assert.ok(
        invokes.some((s) => JSON.stringify(s.Resource) === JSON.stringify(arn)),
        `${source} may invoke ${name}`,
      );
      const env = (caller.resource.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      assert.deepEqual(env[variable], arn, source);
      // Core's function: its fixed name, read-only on core's payments.
      const owner = fnBySource(`functions/internal/${name}.ts`);
      assert.equal(owner.resource.Properties.FunctionName, `payments-dev-core-${name}`);
      const reads = statementsOf(roleOf(owner.resource)).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')),
      );
      assert.deepEqual(
        reads.map((s) => [s.Action, s.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']]),
        [[action, ['OBJ#*']]],
        name,
      );
    }
  });

  it('keeps each risk bundle under 300 KB', () => {
    for (const source of [
      'functions/events/risk.ts',
      'functions/api/review-payment.ts',
      'functions/api/create-fraud-report.ts',
      'functions/api/get-risk-summary.ts',
      'functions/internal/apply-risk-decisions.ts',
      'functions/internal/payment-customer.ts',
      'functions/internal/payment-events.ts',
    ]) {
      const size = statSync(join(fnBySource(source).assetDir, 'index.mjs')).size;
      assert.ok(size <= 300 * 1024, `${source}: ${size} bytes`);
    }
  });
});
