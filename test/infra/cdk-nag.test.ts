import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { PaymentsStack } from '../../infra/payments-stack.js';

// cdk-nag reads the construct tree, not the bundles: skip esbuild to keep this file fast.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PaymentsStack(app, 'Payments');

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
  test('finds no unacknowledged error or warning in the Payments stack', () => {
    assert.deepEqual(findings(stack), []);
  });

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
    const acks = acknowledgements(stack);
    assert.ok(acks.length > 0);
    for (const [path, id, reason] of acks) {
      assert.match(id, /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/, `${path}: ${id}`);
      assert.ok(reason.length >= 60, `${path} ${id}: reason too thin: "${reason}"`);
    }
  });

  test('acknowledges authorization findings on the routes without a gateway authorizer, and only there', () => {
    const routes = acknowledgements(stack)
      .filter(([, id]) => id === 'AwsSolutions-APIG4')
      .map(([path]) => path);
    assert.deepEqual(routes.sort(), [
      'Payments/Api/HttpApi/DELETE--v1--ops--merchants--{merchantId}--api-keys--{keyId}',
      'Payments/Api/HttpApi/GET--console',
      'Payments/Api/HttpApi/GET--console--{proxy+}',
      'Payments/Api/HttpApi/GET--health',
      'Payments/Api/HttpApi/GET--v1--billing--statements--{month}',
      'Payments/Api/HttpApi/GET--v1--ops--billing--prices',
      'Payments/Api/HttpApi/GET--v1--ops--channels',
      'Payments/Api/HttpApi/GET--v1--ops--channels--{channel}',
      'Payments/Api/HttpApi/GET--v1--ops--dead-letter-queues',
      'Payments/Api/HttpApi/GET--v1--ops--dead-letter-queues--{name}--messages',
      'Payments/Api/HttpApi/GET--v1--ops--dead-letter-queues--{name}--redrives',
      'Payments/Api/HttpApi/GET--v1--ops--merchants',
      'Payments/Api/HttpApi/GET--v1--ops--merchants--{merchantId}',
      'Payments/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--api-keys',
      'Payments/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--limits',
      'Payments/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--risk-profile',
      'Payments/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--risk-summary',
      'Payments/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--routing',
      'Payments/Api/HttpApi/GET--v1--ops--merchants--{merchantId}--usage',
      'Payments/Api/HttpApi/GET--v1--ops--overview',
      'Payments/Api/HttpApi/GET--v1--ops--payments',
      'Payments/Api/HttpApi/GET--v1--ops--payments--{id}',
      'Payments/Api/HttpApi/GET--v1--ops--payments--{id}--events',
      'Payments/Api/HttpApi/GET--v1--ops--reconciliation--runs',
      'Payments/Api/HttpApi/GET--v1--ops--reconciliation--runs--{id}',
      'Payments/Api/HttpApi/GET--v1--ops--reconciliation--runs--{id}--discrepancies',
      'Payments/Api/HttpApi/GET--v1--ops--settlements--runs',
      'Payments/Api/HttpApi/GET--v1--ops--settlements--runs--{id}',
      'Payments/Api/HttpApi/GET--v1--payments',
      'Payments/Api/HttpApi/GET--v1--payments--{id}',
      'Payments/Api/HttpApi/GET--v1--payments--{id}--refunds',
      'Payments/Api/HttpApi/GET--v1--settlements',
      'Payments/Api/HttpApi/GET--v1--settlements--{id}',
      'Payments/Api/HttpApi/GET--v1--webhook-endpoints--{id}--deliveries',
      'Payments/Api/HttpApi/POST--v1--channels--{channel}--callbacks',
      'Payments/Api/HttpApi/POST--v1--ops--dead-letter-queues--{name}--redrive',
      'Payments/Api/HttpApi/POST--v1--ops--merchants',
      'Payments/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--api-keys',
      'Payments/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--api-keys--{keyId}--roll',
      'Payments/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--reinstate',
      'Payments/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--review',
      'Payments/Api/HttpApi/POST--v1--ops--merchants--{merchantId}--suspend',
      'Payments/Api/HttpApi/POST--v1--ops--payments--{id}--review',
      'Payments/Api/HttpApi/POST--v1--ops--reconciliation--discrepancies--{id}--resolve',
      'Payments/Api/HttpApi/POST--v1--ops--reconciliation--runs',
      'Payments/Api/HttpApi/POST--v1--ops--reconciliation--statements',
      'Payments/Api/HttpApi/POST--v1--ops--settlements--runs',
      'Payments/Api/HttpApi/POST--v1--payments',
      'Payments/Api/HttpApi/POST--v1--payments--{id}--fraud-reports',
      'Payments/Api/HttpApi/POST--v1--payments--{id}--refunds',
      'Payments/Api/HttpApi/POST--v1--webhook-endpoints',
      'Payments/Api/HttpApi/PUT--v1--ops--billing--prices',
      'Payments/Api/HttpApi/PUT--v1--ops--channels--{channel}',
      'Payments/Api/HttpApi/PUT--v1--ops--merchants--{merchantId}--limits',
      'Payments/Api/HttpApi/PUT--v1--ops--merchants--{merchantId}--request-signing',
      'Payments/Api/HttpApi/PUT--v1--ops--merchants--{merchantId}--risk-profile',
      'Payments/Api/HttpApi/PUT--v1--ops--merchants--{merchantId}--routing',
      // $default: answers a problem for whatever no route matches, before any key is read.
      'Payments/Api/NoRoute',
    ]);
  });

  test('leaves no CDK error or warning annotation on the stack', () => {
    const annotations = Annotations.fromStack(stack);
    assert.deepEqual(annotations.findError('*', Match.anyValue()), []);
    assert.deepEqual(annotations.findWarning('*', Match.anyValue()), []);
  });
});
