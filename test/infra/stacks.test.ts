/**
 * One CloudFormation stack per service plus the foundation (issue 14): names per stage, SSM parameters
 * read = written, no exports, each stack synthesizes alone, stage settings, CloudFormation's limits.
 * Bundling is skipped: the stacks' shape is what is tested here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConsoleStack } from '../../infra/stacks/console-stack.js';
import { FoundationStack } from '../../infra/stacks/foundation-stack.js';
import { SERVICES } from '../../infra/stacks/parameters.js';
import { addPaymentsStacks } from '../../infra/stacks/payments-app.js';
import {
  ChannelsStack,
  CoreStack,
  GatewayStack,
  ReconciliationStack,
  RiskStack,
  SettlementStack,
  WebhooksStack,
} from '../../infra/stacks/services.js';
import { stageSettings } from '../../infra/stages.js';
import { readParameters, type StackTemplate, writtenParameters } from './synthesized.js';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function synthesizeStage(stage?: string) {
  const app = new App({ context: { ...NO_BUNDLING, ...(stage ? { stage } : {}) } });
  const stacks = addPaymentsStacks(app);
  const assembly = app.synth();
  const templates: StackTemplate[] = Object.values(stacks).map((s) => ({
    id: s.node.id,
    stackName: s.stackName,
    template: assembly.getStackArtifact(s.artifactId).template,
  }));
  return { app, stacks, assembly, templates };
}

const dev = synthesizeStage();
const SERVICE_STACKS = [
  'Payments-Foundation',
  'Payments-Core',
  'Payments-Channels',
  'Payments-Risk',
  'Payments-Reconciliation',
  'Payments-Settlement',
  'Payments-Webhooks',
  'Payments-Gateway',
  'Payments-Console',
];

/** Every value of `template` at any depth, with the path to it. */
function* walk(value: unknown, path: string): Generator<[string, unknown]> {
  yield [path, value];
  if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* walk(v, `${path}.${k}`);
}

describe('stacks', () => {
  for (const stage of ['dev', 'staging', 'prod']) {
    it(`synthesizes the foundation and one stack per service for ${stage}, named Payments-<Service>-${stage}`, () => {
      const { templates, assembly } = stage === 'dev' ? dev : synthesizeStage(stage);
      assert.deepEqual(templates.map((t) => t.id).sort(), [...SERVICE_STACKS].sort());
      for (const t of templates) assert.equal(t.stackName, `${t.id}-${stage}`);
      // `cdk deploy Payments-Risk` names the construct id; CloudFormation sees the stage's stack.
      assert.deepEqual(
        assembly.stacks.map((s) => s.stackName).sort(),
        SERVICE_STACKS.map((id) => `${id}-${stage}`).sort(),
      );
    });
  }

  it('refuses a stage other than dev, staging or prod, saying which', () => {
    assert.throws(
      () => synthesizeStage('production'),
      /stage must be one of dev, staging, prod.*"production"/,
    );
  });

  it('has no export and no import anywhere: services share values through SSM parameters only', () => {
    for (const { id, template } of dev.templates) {
      for (const [name, output] of Object.entries(template.Outputs ?? {}) as [string, any][])
        assert.equal(output.Export, undefined, `${id} exports ${name}`);
      for (const [path] of walk(template, id))
        assert.ok(!path.endsWith('.Fn::ImportValue'), `${path} imports another stack's export`);
    }
  });

  it('reads only SSM parameters that exactly one stack of the app writes, named /payments/<stage>/<service>/<name>', () => {
    const writers = new Map<string, string[]>();
    for (const { id, template } of dev.templates)
      for (const r of Object.values(template.Resources) as any[])
        if (r.Type === 'AWS::SSM::Parameter')
          writers.set(r.Properties.Name, [...(writers.get(r.Properties.Name) ?? []), id]);
    const pattern = new RegExp(`^/payments/dev/(${SERVICES.join('|')})/[a-z0-9/-]+$`);
    for (const [name, by] of writers) {
      assert.match(name, pattern);
      assert.equal(by.length, 1, `${name} is written by ${by.join(', ')}`);
    }
    let reads = 0;
    for (const { id, template } of dev.templates) {
      for (const name of readParameters(template).values()) {
        // The CDK bootstrap's version check is the only other parameter a template reads.
        if (name.startsWith('/cdk-bootstrap/')) continue;
        reads++;
        assert.ok(writers.has(name), `${id} reads ${name}, which no stack writes`);
        assert.notEqual(writers.get(name)?.[0], id, `${id} reads its own ${name}`);
      }
    }
    assert.ok(reads > 50);
    // The foundation writes what every service needs; each service writes under its own name only.
    for (const [name, [by]] of writers) {
      const service = name.split('/')[3];
      assert.equal(by, `Payments-${service?.[0]?.toUpperCase()}${service?.slice(1)}`, name);
    }
    assert.equal(writtenParameters(dev.templates).size, writers.size);
  });

  it('synthesizes each service stack alone, with only SSM parameter names of the others', () => {
    const alone = (make: (app: App) => Stack) => {
      const app = new App({ context: NO_BUNDLING });
      const stack = make(app);
      const template = Template.fromStack(stack).toJSON();
      assert.equal(
        app.node.children.filter(Stack.isStack).length,
        1,
        `${stack.node.id} pulled other stacks in`,
      );
      return template;
    };
    const consoleProps = {
      deadLetterQueues: Object.values(dev.stacks).flatMap((s) =>
        'deadLetterQueues' in s ? s.deadLetterQueues : [],
      ),
      queues: Object.values(dev.stacks).flatMap((s) => ('queues' in s ? s.queues : [])),
    };
    const templates = [
      alone((app) => new FoundationStack(app, 'Payments-Foundation')),
      alone((app) => new CoreStack(app, 'Payments-Core')),
      alone((app) => new ChannelsStack(app, 'Payments-Channels')),
      alone((app) => new RiskStack(app, 'Payments-Risk')),
      alone((app) => new ReconciliationStack(app, 'Payments-Reconciliation')),
      alone((app) => new SettlementStack(app, 'Payments-Settlement')),
      alone((app) => new WebhooksStack(app, 'Payments-Webhooks')),
      alone((app) => new GatewayStack(app, 'Payments-Gateway')),
      alone((app) => new ConsoleStack(app, 'Payments-Console', consoleProps)),
    ];
    // The same resources as in the whole app: a stack alone is the stack the app deploys. A function
    // version's id ends with a hash of its code and configuration (bundles are skipped here only): without it.
    const ids = (resources: object = {}) =>
      Object.keys(resources)
        .map((id) => id.replace(/(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}$/, '$1'))
        .sort();
    for (const [i, template] of templates.entries()) {
      const inApp = dev.templates.find((t) => t.id === SERVICE_STACKS[i])?.template;
      assert.deepEqual(ids(template.Resources), ids(inApp?.Resources));
    }
  });

  it('puts each function in the stack of the service that owns it', () => {
    const functionsOf = (stack: Stack) =>
      stack.node
        .findAll()
        .filter((c) => c instanceof lambda.Function && Stack.of(c) === stack)
        .map((c) => c.node.id)
        .sort();
    const actual = Object.fromEntries(Object.values(dev.stacks).map((s) => [s.node.id, functionsOf(s)]));
    assert.deepEqual(actual, {
      'Payments-Foundation': [],
      'Payments-Channels': [
        'CallbackFunction',
        'ChannelFactsFunction',
        'ChannelFeesFunction',
        'ChannelHealthFunction',
        'ChannelHealthSummaryFunction',
        'CheckFunction',
        'DispatchFunction',
        'GetChannelFunction',
        'GetRoutingConfigFunction',
        'ListChannelsFunction',
        'PutChannelFunction',
        'PutRoutingConfigFunction',
        'RoutingConfigFunction',
      ],
      'Payments-Core': [
        'ApplyChannelOutcomesFunction',
        'ApplyRiskDecisionsFunction',
        'ChannelDayOutcomesFunction',
        'CreatePaymentFunction',
        'CreateRefundFunction',
        'GetPaymentFunction',
        'HealthFunction',
        'ListPaymentsFunction',
        'ListRefundsFunction',
        'NoRouteFunction',
        'ObjectStatesFunction',
        'OpsPaymentsFunction',
        'PaymentCustomerFunction',
        'PaymentEventsFunction',
        'PublisherFunction',
        'SettlementLinesFunction',
      ],
      'Payments-Risk': [
        'CountRefusalFunction',
        'CreateFraudReportFunction',
        'GetRiskProfileFunction',
        'GetRiskSummaryFunction',
        'HeldPaymentsFunction',
        'HoldCountsFunction',
        'MerchantRiskProfileFunction',
        'PutRiskProfileFunction',
        'RateMerchantFunction',
        'ReviewPaymentFunction',
        'ReviewQueueFunction',
        'RiskFunction',
        'SetHoldsFunction',
      ],
      'Payments-Webhooks': [
        'CreateWebhookEndpointFunction',
        'ListWebhookDeliveriesFunction',
        'MerchantWebhooksFunction',
      ],
      'Payments-Reconciliation': [
        'GetReconciliationRunFunction',
        'ListDiscrepanciesFunction',
        'OpenDiscrepanciesFunction',
        'ReconciliationRunsFunction',
        'ResolveDiscrepancyFunction',
        'StartReconciliationRunFunction',
        'UploadStatementFunction',
      ],
      'Payments-Settlement': [
        'FinishRunFunction',
        'GetSettlementFunction',
        'GetSettlementRunFunction',
        'ListSettlementsFunction',
        'PayOutFunction',
        'RecordPayoutFailureFunction',
        'SettleMerchantFunction',
        'StartRunFunction',
        'StartSettlementRunFunction',
      ],
      'Payments-Gateway': [
        'CreateMerchantFunction',
        'FlowLeaseFunction',
        'GetBillingPricesFunction',
        'GetBillingStatementFunction',
        'GetMerchantFunction',
        'GetMerchantLimitsFunction',
        'GetMerchantUsageFunction',
        'IssueApiKeyFunction',
        'ListApiKeysFunction',
        'ListMerchantsFunction',
        'MerchantRegistryFunction',
        'PutBillingPricesFunction',
        'PutMerchantLimitsFunction',
        'PutRequestSigningFunction',
        'ReinstateMerchantFunction',
        'ReviewMerchantFunction',
        'RevokeApiKeyFunction',
        'RollApiKeyFunction',
        'SuspendMerchantFunction',
        'UsageAggregatorFunction',
      ],
      'Payments-Console': [
        'ConsoleFunction',
        'ListDeadLetterMessagesFunction',
        'ListDeadLetterQueuesFunction',
        'ListDeadLetterRedrivesFunction',
        'RedriveDeadLetterQueueFunction',
      ],
    });
  });

  it('keeps every stack under 400 resources, room for the canaries under CloudFormation’s 500', () => {
    for (const { id, template } of dev.templates) {
      const count = Object.keys(template.Resources).length;
      assert.ok(count < 400, `${id} has ${count} resources`);
    }
  });

  it('deploys the foundation first, the console last', () => {
    const deps = (id: string) =>
      (dev.assembly.getStackArtifact(id).dependencies ?? [])
        .map((d) => d.id)
        .filter((d) => !d.endsWith('.assets'));
    for (const id of SERVICE_STACKS.filter((s) => s !== 'Payments-Foundation'))
      assert.ok(deps(id).includes('Payments-Foundation'), id);
    assert.deepEqual(deps('Payments-Foundation'), []);
    assert.deepEqual(
      deps('Payments-Console').sort(),
      SERVICE_STACKS.filter((s) => s !== 'Payments-Console').sort(),
    );
  });
});

describe('stage settings', () => {
  const tableOf = (stage: string) => {
    const stack = new FoundationStack(new App({ context: { stage } }), 'Payments-Foundation');
    const [table] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
    return table as { DeletionPolicy: string; Properties: Record<string, any> };
  };

  it('prod keeps the table: deletion protection, PITR, retained on stack deletion and replacement', () => {
    const table = tableOf('prod');
    assert.equal(table.DeletionPolicy, 'Retain');
    assert.equal(table.Properties.DeletionProtectionEnabled, true);
    assert.deepEqual(table.Properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
  });

  for (const stage of ['dev', 'staging']) {
    it(`${stage} holds test data: its table goes with the stack (PITR kept)`, () => {
      const table = tableOf(stage);
      assert.equal(table.DeletionPolicy, 'Delete');
      assert.equal(table.Properties.DeletionProtectionEnabled, false);
      assert.deepEqual(table.Properties.PointInTimeRecoverySpecification, {
        PointInTimeRecoveryEnabled: true,
      });
    });
  }

  it('deploys all at once in dev, linearly in staging, by canary in prod', () => {
    assert.equal(stageSettings('dev').deployment.deploymentConfigName, 'CodeDeployDefault.LambdaAllAtOnce');
    assert.match(stageSettings('staging').deployment.deploymentConfigName, /Linear/);
    assert.equal(
      stageSettings('prod').deployment.deploymentConfigName,
      'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    );
  });

  it('logs at the stage’s level and keeps logs for the stage’s retention', () => {
    const staging = synthesizeStage('staging').templates.find((t) => t.id === 'Payments-Risk')?.template;
    const fns = Object.values(staging?.Resources ?? {}).filter(
      (r: any) => r.Type === 'AWS::Lambda::Function',
    ) as any[];
    assert.ok(fns.length > 0);
    const consumer = fns.find((f) => !String(f.Properties.Description).includes(' /v1/'));
    assert.equal(consumer?.Properties.LoggingConfig.ApplicationLogLevel, 'INFO');
    const groups = Object.values(staging?.Resources ?? {}).filter(
      (r: any) => r.Type === 'AWS::Logs::LogGroup',
    ) as any[];
    for (const g of groups) assert.equal(g.Properties.RetentionInDays, 14);
  });
});
