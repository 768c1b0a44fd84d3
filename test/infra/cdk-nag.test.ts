import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { addPaymentsStacks } from '../../infra/stacks/payments-app.js';

// cdk-nag reads the construct tree, not the bundles: skip esbuild to keep this file fast.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stacks = Object.values(addPaymentsStacks(app));

/** cdk-nag 3 is a validation plugin; `validateScope` runs the same rules `cdk synth` runs. */
function findings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`),
  );
}

/**
 * Every `Validations.of(x).acknowledge(...)` in the tree, as [construct path, rule id, reason]. CDK stores
 * ids without a plugin prefix as `Annotation::<id>`; cdk-nag strips that prefix when it matches them.
 */
function acknowledgements(scope: IConstruct): [string, string, string][] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]): [string, string, string] => [
        c.node.path,
        id.replace(/^annotation::/i, ''),
        reason,
      ]),
  );
}

describe('cdk-nag AwsSolutions', () => {
  for (const stack of stacks) {
    test(`finds no unacknowledged error or warning in ${stack.node.id}`, () => {
      assert.deepEqual(findings(stack), []);
    });
  }

  test('reports a non-compliant resource, so a clean report means something', () => {
    // Prepare: a queue with none of the controls the stack's queues have.
    const scratch = new Stack(new App(), 'Scratch');
    new sqs.Queue(scratch, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    // Act
    const reported = findings(scratch);
    // Assess
    assert.ok(
      reported.some((f) => f.includes('AwsSolutions-SQS4')),
      reported.join('\n'),
    );
  });

  test('acknowledges findings only with a specific written reason', () => {
    const acks = acknowledgements(app);
    assert.ok(acks.length > 0);
    for (const [path, id, reason] of acks) {
      assert.match(id, /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/, `${path}: ${id}`);
      assert.ok(reason.length >= 60, `${path} ${id}: reason too thin: "${reason}"`);
    }
  });

  test('acknowledges authorization findings on the routes without a gateway authorizer, and only there', () => {
    // Each route is acknowledged in the stack of the service that serves it.
    const routes = acknowledgements(app)
      .filter(([, id]) => id === 'AwsSolutions-APIG4')
      .map(([path]) => path);
    assert.deepEqual(routes.sort(), [
      'Payments-Channels/Api/HttpApi/GET--v1--ops--channels',
      'Payments-Channels/Api/HttpApi/GET--v1--ops--channels--{channel}',
      'Payments-Channels/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--routing',
      'Payments-Channels/Api/HttpApi/POST--v1--channels--{channel}--callbacks',
      'Payments-Channels/Api/HttpApi/PUT--v1--ops--channels--{channel}',
      'Payments-Channels/Api/HttpApi/PUT--v1--ops--merchants--{merchantId}--routing',
      'Payments-Console/Api/HttpApi/GET--console',
      'Payments-Console/Api/HttpApi/GET--console--{proxy+}',
      'Payments-Console/Api/HttpApi/GET--v1--ops--dead-letter-queues',
      'Payments-Console/Api/HttpApi/GET--v1--ops--dead-letter-queues--{name}--messages',
      'Payments-Console/Api/HttpApi/GET--v1--ops--dead-letter-queues--{name}--redrives',
      'Payments-Console/Api/HttpApi/GET--v1--ops--overview',
      'Payments-Console/Api/HttpApi/POST--v1--ops--dead-letter-queues--{name}--redrive',
      'Payments-Core/Api/HttpApi/GET--health',
      'Payments-Core/Api/HttpApi/GET--v1--ops--payments',
      'Payments-Core/Api/HttpApi/GET--v1--ops--payments--{id}',
      'Payments-Core/Api/HttpApi/GET--v1--payments',
      'Payments-Core/Api/HttpApi/GET--v1--payments--{id}',
      'Payments-Core/Api/HttpApi/GET--v1--payments--{id}--refunds',
      'Payments-Core/Api/HttpApi/POST--v1--payments',
      'Payments-Core/Api/HttpApi/POST--v1--payments--{id}--refunds',
      // $default: answers a problem for whatever no route matches, before any key is read.
      'Payments-Core/Api/NoRoute',
      'Payments-Gateway/Api/HttpApi/DELETE--v1--ops--merchants--{merchantId}--api-keys--{keyId}',
      'Payments-Gateway/Api/HttpApi/GET--v1--billing--statements--{month}',
      'Payments-Gateway/Api/HttpApi/GET--v1--ops--billing--prices',
      'Payments-Gateway/Api/HttpApi/GET--v1--ops--merchants',
      'Payments-Gateway/Api/HttpApi/GET--v1--ops--merchants--{merchantId}',
      'Payments-Gateway/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--api-keys',
      'Payments-Gateway/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--limits',
      'Payments-Gateway/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--usage',
      'Payments-Gateway/Api/HttpApi/POST--v1--ops--merchants',
      'Payments-Gateway/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--api-keys',
      'Payments-Gateway/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--api-keys--{keyId}--roll',
      'Payments-Gateway/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--reinstate',
      'Payments-Gateway/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--review',
      'Payments-Gateway/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--suspend',
      'Payments-Gateway/Api/HttpApi/PUT--v1--ops--billing--prices',
      'Payments-Gateway/Api/HttpApi/PUT--v1--ops--merchants--{merchantId}--limits',
      'Payments-Gateway/Api/HttpApi/PUT--v1--ops--merchants--{merchantId}--request-signing',
      'Payments-Reconciliation/Api/HttpApi/GET--v1--ops--reconciliation--runs',
      'Payments-Reconciliation/Api/HttpApi/GET--v1--ops--reconciliation--runs--{id}',
      'Payments-Reconciliation/Api/HttpApi/GET--v1--ops--reconciliation--runs--{id}--discrepancies',
      'Payments-Reconciliation/Api/HttpApi/POST--v1--ops--reconciliation--discrepancies--{id}--resolve',
      'Payments-Reconciliation/Api/HttpApi/POST--v1--ops--reconciliation--runs',
      'Payments-Reconciliation/Api/HttpApi/POST--v1--ops--reconciliation--statements',
      'Payments-Risk/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--risk-profile',
      'Payments-Risk/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--risk-summary',
      'Payments-Risk/Api/HttpApi/GET--v1--ops--payments--{id}--events',
      'Payments-Risk/Api/HttpApi/POST--v1--ops--payments--{id}--review',
      'Payments-Risk/Api/HttpApi/POST--v1--payments--{id}--fraud-reports',
      'Payments-Risk/Api/HttpApi/PUT--v1--ops--merchants--{merchantId}--risk-profile',
      'Payments-Settlement/Api/HttpApi/GET--v1--ops--settlements--runs',
      'Payments-Settlement/Api/HttpApi/GET--v1--ops--settlements--runs--{id}',
      'Payments-Settlement/Api/HttpApi/GET--v1--settlements',
      'Payments-Settlement/Api/HttpApi/GET--v1--settlements--{id}',
      'Payments-Settlement/Api/HttpApi/POST--v1--ops--settlements--runs',
      'Payments-Webhooks/Api/HttpApi/GET--v1--webhook-endpoints--{id}--deliveries',
      'Payments-Webhooks/Api/HttpApi/POST--v1--webhook-endpoints',
    ]);
  });

  for (const stack of stacks) {
    test(`leaves no CDK error or warning annotation on ${stack.node.id}`, () => {
      const annotations = Annotations.fromStack(stack);
      assert.deepEqual(annotations.findError('*', Match.anyValue()), []);
      assert.deepEqual(annotations.findWarning('*', Match.anyValue()), []);
    });
  }
});
