import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { stageThrottle } from '../../infra/constructs/api.js';
import { FoundationStack } from '../../infra/stacks/foundation-stack.js';
import { ChannelsStack } from '../../infra/stacks/services.js';
import { TABLE_GSIS, TABLE_KEY_SCHEMA, TTL_ATTRIBUTE } from '../../shared/store/table-definition.js';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../shared/webhooks/backoff.js';
import { dynamoGrants, exposedAliasArn, invokedFunctionId, referencedId, synthesize } from './synthesized.js';

// The suite's one synthesis (and one esbuild build for all functions), shared with its other files.
const { template, resources, functions } = synthesize();

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const fn = (source: string) => {
  const found = functions.find((f) => f.source === `functions/${source}.ts`);
  assert.ok(found, `no function is bundled from functions/${source}.ts`);
  return found;
};
const tableId = ofType('AWS::DynamoDB::Table')[0]?.[0];
const secretNamed = (name: string) =>
  ofType('AWS::SecretsManager::Secret').find(([, r]) => r.Properties.Name === name)?.[0];
const secretId = secretNamed('payments/channels/sandbox/webhook-secrets');
/** The vendor channels' credentials (infra/constructs/channel-secrets.ts), read at run time. */
const channelUrlsEnv = () => ({
  STRIPE_API_URL: 'https://api.stripe.com',
  ALIPAY_GATEWAY_URL: 'https://openapi.alipay.com',
  WECHATPAY_API_URL: 'https://api.mch.weixin.qq.com',
});
const channelSecretsEnv = () => ({
  CHANNEL_SECRET_STRIPE: { Ref: secretNamed('payments/channels/stripe/credentials') },
  CHANNEL_SECRET_ALIPAY: { Ref: secretNamed('payments/channels/alipay/credentials') },
  CHANNEL_SECRET_WECHATPAY: { Ref: secretNamed('payments/channels/wechatpay/credentials') },
});
const busId = ofType('AWS::Events::EventBus')[0]?.[0];
const webhookQueueId = ofType('AWS::SQS::Queue').find(([id]) => /MerchantWebhooksQueue/.test(id))?.[0];
const bucketId = ofType('AWS::S3::Bucket')[0]?.[0];
const checksQueueId = ofType('AWS::SQS::Queue').find(([id]) => /ChannelChecksQueue/.test(id))?.[0];
const checksDlqId = ofType('AWS::SQS::Queue').find(([id]) => /ChannelChecksDeadLetterQueue/.test(id))?.[0];
const stateMachineId = ofType('AWS::StepFunctions::StateMachine')[0]?.[0];

describe('payments table', () => {
  test('is one classic DynamoDB table keyed as shared/store/table-definition says', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEY_SCHEMA.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE_KEY_SCHEMA.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('indexes merchant listings in GSI1 (keys only), settlement line items in GSI2 and channel-day outcomes in GSI3 (both small), all payments and the review queue in GSI4 (keys only)', () => {
    const [gsi1, gsi2, gsi3, gsi4] = TABLE_GSIS;
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: gsi1.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: gsi1.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'GSI2',
          KeySchema: [
            { AttributeName: gsi2.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: gsi2.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['amount', 'currency', 'outcomeAt', 'channel'],
          },
        },
        {
          IndexName: 'GSI3',
          KeySchema: [
            { AttributeName: gsi3.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: gsi3.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['channelReference', 'amount', 'currency', 'status'],
          },
        },
        {
          IndexName: 'GSI4',
          KeySchema: [
            { AttributeName: gsi4.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: gsi4.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });

  test('streams new and old images, with PITR, KMS encryption at rest and TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  test('survives stack deletion and replacement in prod (-c stage=prod)', () => {
    const prod = new FoundationStack(new App({ context: { stage: 'prod' } }), 'Payments-Foundation');
    Template.fromStack(prod).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  test('goes with its stack in dev, the default stage, which holds test data only', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

// No route has an API Gateway authorizer: merchant routes check the API key in the function
// (shared/http/api-key-resolver.ts), so that a missing or wrong key is the contract's 401 problem+json.
const routes: [routeKey: string, handler: string][] = [
  ['GET /health', 'api/health'],
  ['POST /v1/payments', 'api/create-payment'],
  ['GET /v1/payments/{id}', 'api/get-payment'],
  ['GET /v1/payments', 'api/list-payments'],
  ['GET /v1/ops/payments', 'api/ops-payments'],
  ['GET /v1/ops/payments/{id}', 'api/ops-payments'],
  ['POST /v1/payments/{id}/refunds', 'api/create-refund'],
  ['GET /v1/payments/{id}/refunds', 'api/list-refunds'],
  ['POST /v1/channels/{channel}/callbacks', 'channels/callback'],
  ['POST /v1/ops/payments/{id}/review', 'api/review-payment'],
  // The console's read routes, each on the function of its family (a route costs the stack less than a
  // function): a payment's events, the overview, the lists of runs.
  ['GET /v1/ops/payments/{id}/events', 'api/review-payment'],
  ['GET /v1/ops/overview', 'api/list-dead-letter-queues'],
  ['GET /v1/ops/reconciliation/runs', 'api/get-reconciliation-run'],
  ['GET /v1/ops/settlements/runs', 'api/get-settlement-run'],
  ['POST /v1/payments/{id}/fraud-reports', 'api/create-fraud-report'],
  ['GET /v1/ops/merchants/{merchantId}/risk-summary', 'api/get-risk-summary'],
  ['POST /v1/webhook-endpoints', 'api/create-webhook-endpoint'],
  ['GET /v1/webhook-endpoints/{id}/deliveries', 'api/list-webhook-deliveries'],
  ['GET /v1/ops/merchants/{merchantId}/risk-profile', 'api/get-risk-profile'],
  ['PUT /v1/ops/merchants/{merchantId}/risk-profile', 'api/put-risk-profile'],
  ['GET /v1/ops/merchants/{merchantId}/routing', 'api/get-routing-config'],
  ['PUT /v1/ops/merchants/{merchantId}/routing', 'api/put-routing-config'],
  ['PUT /v1/ops/merchants/{merchantId}/request-signing', 'api/put-request-signing'],
  ['GET /v1/ops/merchants/{merchantId}/limits', 'api/get-merchant-limits'],
  ['PUT /v1/ops/merchants/{merchantId}/limits', 'api/put-merchant-limits'],
  ['GET /v1/ops/dead-letter-queues', 'api/list-dead-letter-queues'],
  ['GET /v1/ops/dead-letter-queues/{name}/messages', 'api/list-dead-letter-messages'],
  ['POST /v1/ops/dead-letter-queues/{name}/redrive', 'api/redrive-dead-letter-queue'],
  ['GET /v1/ops/dead-letter-queues/{name}/redrives', 'api/list-dead-letter-redrives'],
  ['POST /v1/ops/reconciliation/statements', 'api/upload-statement'],
  ['POST /v1/ops/reconciliation/runs', 'api/start-reconciliation-run'],
  ['GET /v1/ops/reconciliation/runs/{id}', 'api/get-reconciliation-run'],
  ['GET /v1/ops/reconciliation/runs/{id}/discrepancies', 'api/list-reconciliation-discrepancies'],
  ['POST /v1/ops/reconciliation/discrepancies/{id}/resolve', 'api/resolve-discrepancy'],
  ['POST /v1/ops/settlements/runs', 'api/start-settlement-run'],
  ['GET /v1/ops/settlements/runs/{id}', 'api/get-settlement-run'],
  ['GET /v1/settlements', 'api/list-settlements'],
  ['GET /v1/settlements/{id}', 'api/get-settlement'],
  ['GET /v1/ops/channels', 'api/list-channels'],
  ['GET /v1/ops/channels/{channel}', 'api/get-channel'],
  ['PUT /v1/ops/channels/{channel}', 'api/put-channel'],
  ['GET /v1/ops/merchants/{merchantId}/usage', 'api/get-merchant-usage'],
  ['GET /v1/ops/billing/prices', 'api/get-billing-prices'],
  ['PUT /v1/ops/billing/prices', 'api/put-billing-prices'],
  ['GET /v1/billing/statements/{month}', 'api/get-billing-statement'],
  ['POST /v1/ops/merchants', 'api/create-merchant'],
  ['GET /v1/ops/merchants', 'api/list-merchants'],
  ['GET /v1/ops/merchants/{merchantId}', 'api/get-merchant'],
  ['POST /v1/ops/merchants/{merchantId}/review', 'api/review-merchant'],
  ['POST /v1/ops/merchants/{merchantId}/suspend', 'api/suspend-merchant'],
  ['POST /v1/ops/merchants/{merchantId}/reinstate', 'api/reinstate-merchant'],
  ['POST /v1/ops/merchants/{merchantId}/api-keys', 'api/issue-api-key'],
  ['GET /v1/ops/merchants/{merchantId}/api-keys', 'api/list-api-keys'],
  ['POST /v1/ops/merchants/{merchantId}/api-keys/{keyId}/roll', 'api/roll-api-key'],
  ['DELETE /v1/ops/merchants/{merchantId}/api-keys/{keyId}', 'api/revoke-api-key'],
  // The ops console's static files (infra/constructs/console.ts); `/console/` is routed to `GET /console`.
  ['GET /console', 'api/console'],
  ['GET /console/{proxy+}', 'api/console'],
  // Any request no route matches: a 404 / 405 problem instead of API Gateway's own body.
  ['$default', 'api/no-route'],
];

describe('HTTP API', () => {
  test('serves exactly the routes of docs/architecture.md', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    assert.deepEqual(keys.sort(), routes.map(([key]) => key).sort());
  });

  for (const [routeKey, handler] of routes) {
    test(`${routeKey} runs ${handler} with no gateway authorizer`, () => {
      const [, route] =
        ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey) ?? [];
      assert.ok(route, `route ${routeKey} missing`);
      assert.equal(route.Properties.AuthorizationType, 'NONE');
      assert.equal(route.Properties.AuthorizerId, undefined);

      const target = route.Properties.Target as { 'Fn::Join': [string, unknown[]] };
      const integration = resources[referencedId(target['Fn::Join'][1][1]) ?? ''];
      assert.equal(integration?.Properties.IntegrationType, 'AWS_PROXY');
      assert.equal(integration?.Properties.PayloadFormatVersion, '2.0');
      assert.equal(
        invokedFunctionId(resources, integration?.Properties.IntegrationUri),
        fn(handler).logicalId,
      );
    });
  }

  test('reads the stage throttle from -c apiThrottle=<rate>,<burst>, refusing anything else', () => {
    assert.deepEqual(stageThrottle('2500,1250'), { rateLimit: 2500, burstLimit: 1250 });
    assert.deepEqual(stageThrottle(undefined), { rateLimit: 10_000, burstLimit: 5_000 });
    for (const bad of ['100', '0,10', '1.5,2', 'fast,slow'])
      assert.throws(() => stageThrottle(bad), /apiThrottle must be/);
  });

  test('declares no API Gateway authorizer: API keys are resolved in the merchant functions', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  test('throttles and access-logs the $default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      // API Gateway's account quota per Region (docs/scale.md): no lower ceiling than the account's own.
      DefaultRouteSettings: { ThrottlingBurstLimit: 5000, ThrottlingRateLimit: 10000 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
  });

  test('outputs the API URL and the table name', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    template.hasOutput('TableName', { Value: { Ref: tableId } });
  });
});

/** Functions behind a keyed route (a merchant or ops key): all but health, callbacks and `$default`. */
const metered = new Set(
  routes
    .filter(
      ([key]) =>
        ![
          'GET /health',
          'POST /v1/channels/{channel}/callbacks',
          '$default',
          'GET /console',
          'GET /console/{proxy+}',
        ].includes(key),
    )
    .map(([, handler]) => `functions/${handler}.ts`),
);

describe('payments functions', () => {
  test('bundles one function per handler of docs/architecture.md', () => {
    assert.deepEqual(functions.map((f) => f.source).sort(), [
      'functions/api/console.ts',
      'functions/api/create-fraud-report.ts',
      'functions/api/create-merchant.ts',
      'functions/api/create-payment.ts',
      'functions/api/create-refund.ts',
      'functions/api/create-webhook-endpoint.ts',
      'functions/api/get-billing-prices.ts',
      'functions/api/get-billing-statement.ts',
      'functions/api/get-channel.ts',
      'functions/api/get-merchant-limits.ts',
      'functions/api/get-merchant-usage.ts',
      'functions/api/get-merchant.ts',
      'functions/api/get-payment.ts',
      'functions/api/get-reconciliation-run.ts',
      'functions/api/get-risk-profile.ts',
      'functions/api/get-risk-summary.ts',
      'functions/api/get-routing-config.ts',
      'functions/api/get-settlement-run.ts',
      'functions/api/get-settlement.ts',
      'functions/api/health.ts',
      'functions/api/issue-api-key.ts',
      'functions/api/list-api-keys.ts',
      'functions/api/list-channels.ts',
      'functions/api/list-dead-letter-messages.ts',
      'functions/api/list-dead-letter-queues.ts',
      'functions/api/list-dead-letter-redrives.ts',
      'functions/api/list-merchants.ts',
      'functions/api/list-payments.ts',
      'functions/api/list-reconciliation-discrepancies.ts',
      'functions/api/list-refunds.ts',
      'functions/api/list-settlements.ts',
      'functions/api/list-webhook-deliveries.ts',
      'functions/api/no-route.ts',
      'functions/api/ops-payments.ts',
      'functions/api/put-billing-prices.ts',
      'functions/api/put-channel.ts',
      'functions/api/put-merchant-limits.ts',
      'functions/api/put-request-signing.ts',
      'functions/api/put-risk-profile.ts',
      'functions/api/put-routing-config.ts',
      'functions/api/redrive-dead-letter-queue.ts',
      'functions/api/reinstate-merchant.ts',
      'functions/api/resolve-discrepancy.ts',
      'functions/api/review-merchant.ts',
      'functions/api/review-payment.ts',
      'functions/api/revoke-api-key.ts',
      'functions/api/roll-api-key.ts',
      'functions/api/start-reconciliation-run.ts',
      'functions/api/start-settlement-run.ts',
      'functions/api/suspend-merchant.ts',
      'functions/api/upload-statement.ts',
      'functions/channels/callback.ts',
      'functions/channels/check.ts',
      'functions/channels/dispatch.ts',
      'functions/events/channel-health.ts',
      'functions/events/merchant-webhooks.ts',
      'functions/events/publisher.ts',
      'functions/events/reconcile-run.ts',
      'functions/events/risk.ts',
      'functions/internal/apply-channel-outcomes.ts',
      'functions/internal/apply-risk-decisions.ts',
      'functions/internal/channel-day-outcomes.ts',
      'functions/internal/channel-facts.ts',
      'functions/internal/channel-fees.ts',
      'functions/internal/channel-health-summary.ts',
      'functions/internal/count-refusal.ts',
      'functions/internal/flow-lease.ts',
      'functions/internal/held-payments.ts',
      'functions/internal/hold-counts.ts',
      'functions/internal/merchant-registry.ts',
      'functions/internal/merchant-risk-profile.ts',
      'functions/internal/object-states.ts',
      'functions/internal/open-discrepancies.ts',
      'functions/internal/payment-customer.ts',
      'functions/internal/payment-events.ts',
      'functions/internal/rate-merchant.ts',
      'functions/internal/review-queue.ts',
      'functions/internal/routing-config.ts',
      'functions/internal/set-holds.ts',
      'functions/internal/settlement-lines.ts',
      'functions/settlement/finish-run.ts',
      'functions/settlement/pay-out.ts',
      'functions/settlement/record-payout-failure.ts',
      'functions/settlement/settle-merchant.ts',
      'functions/settlement/start-run.ts',
      'functions/usage/aggregate-usage.ts',
    ]);
  });

  test('every function runs index.handler on nodejs22.x arm64 with tracing, WARN-level JSON logs and its own log group', () => {
    for (const { source, resource } of functions) {
      const p = resource.Properties;
      assert.equal(p.Handler, 'index.handler', source);
      assert.equal(p.Runtime, 'nodejs22.x', source);
      assert.deepEqual(p.Architectures, ['arm64'], source);
      // Stream and queue consumers run at a quarter of the memory of the API functions: their time is
      // waits on AWS and HTTP (payments-function.ts), as are the internal functions. Settlement's tasks sum a merchant's day (CPU work)
      // at half; a reconciliation run parses and classifies up to a million rows, at the API size.
      const consumer =
        (source.startsWith('functions/events/') && source !== 'functions/events/reconcile-run.ts') ||
        source.startsWith('functions/usage/') ||
        // Other services' reads and writes of a service's items (infra/constructs/internal-functions.ts).
        // The gateway's flow-lease is on merchant requests' path with a 1 s deadline, cold start included: API size.
        (source.startsWith('functions/internal/') && source !== 'functions/internal/flow-lease.ts') ||
        source === 'functions/channels/dispatch.ts' ||
        source === 'functions/channels/check.ts' ||
        // A channel's notification waits on core's function, not on CPU (channels.ts).
        source === 'functions/channels/callback.ts';
      const settlement = source.startsWith('functions/settlement/');
      // The ops console's function copies static files out (infra/constructs/console.ts): 256 MB too.
      const memory = source === 'functions/api/console.ts' || consumer ? 256 : settlement ? 512 : 1024;
      assert.equal(p.MemorySize, memory, source);
      assert.deepEqual(p.TracingConfig, { Mode: 'Active' }, source);
      const { LogGroup, ...levels } = p.LoggingConfig as { LogGroup: unknown };
      const logGroup = resources[referencedId(LogGroup) ?? ''];
      assert.equal(logGroup?.Properties.RetentionInDays, 30, source);
      // A healthy invocation logs nothing: no START/REPORT lines, no INFO lines (CloudWatch bills ingestion),
      // except the one usage line of a metered function (a keyed route's), which its level must let through.
      assert.deepEqual(
        levels,
        {
          LogFormat: 'JSON',
          ApplicationLogLevel: metered.has(source) ? 'INFO' : 'WARN',
          SystemLogLevel: 'WARN',
        },
        source,
      );
      const env = (p.Environment as { Variables: Record<string, unknown> }).Variables;
      // The DLQ registry of the dead-letter routes is pinned by test/infra/dead-letters.test.ts.
      const { DEAD_LETTER_QUEUES, ...rest } = env;
      assert.equal(DEAD_LETTER_QUEUES !== undefined, source.includes('dead-letter'), source);
      assert.deepEqual(rest, expectedEnvironment(source), source);
    }
  });

  test('every bundle is a minified ESM index.mjs that can require CommonJS, with a source map', () => {
    for (const { source, assetDir } of functions) {
      const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      assert.match(code, /^import \{ createRequire as \w+ \} from 'node:module'; const require = /, source);
      assert.match(code, /export\s*\{[^}]*as handler|export\s*\{\s*handler/, source);
      assert.match(code, /\/\/# sourceMappingURL=index\.mjs\.map\s*$/, source);
    }
  });

  test('no function role carries an AWS managed policy', () => {
    const assumedBy = (role: { Properties: Record<string, any> }) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument.Statement.map((s: any) => s.Principal));
    const roles = ofType('AWS::IAM::Role');
    for (const [id, role] of roles) {
      // CodeDeploy's role (infra/constructs/canary.ts) is no function's: it takes AWS's policy for it alone.
      if (assumedBy(role).includes('codedeploy.amazonaws.com')) {
        assert.match(JSON.stringify(role.Properties.ManagedPolicyArns), /AWSCodeDeployRoleForLambdaLimited/);
        assert.equal((role.Properties.ManagedPolicyArns as unknown[]).length, 1);
      } else assert.equal(role.Properties.ManagedPolicyArns, undefined, id);
    }
    // One per service stack, as its CodeDeploy application.
    assert.equal(
      roles.filter(([, r]) => assumedBy(r).includes('codedeploy.amazonaws.com')).length,
      ofType('AWS::CodeDeploy::Application').length,
    );
  });
});

describe('least privilege', () => {
  const T = 'table';
  const expected: Record<string, string[]> = {
    'api/health': [],
    // Every merchant function reads its caller's API key item (GetItem); it leases its merchant's flow
    // control tokens through the gateway's flow-lease function (no FLOW#… grant: test/infra/flow-control),
    // except the gateway's own merchant routes (UpdateItem, scoped to FLOW#… by dynamodb:LeadingKeys).
    // Risk before (infra/constructs/risk.ts): the profile Query (RISK#…) and the counted limits' counter
    // updates inside the create's TransactWriteItems (CTR#…), both scoped by dynamodb:LeadingKeys.
    // Routing (infra/constructs/routing.ts): quota usage shards read (BatchGetItem) and counted
    // (UpdateItem) under QUOTA#…, scoped the same way; the listed channels' facts (BatchGetItem of
    // CHANNEL#… and HLT#…).
    'api/create-payment': [
      // Quota usage shards (QUOTA#…), daily amount shards (CTR#…). The risk profile (RISK#…), the routing
      // configuration (ROUTING#…) and channel facts (CHANNEL#…, HLT#…) are the owners' functions' reads.
      `dynamodb:BatchGetItem on ${T}`,
      `dynamodb:BatchGetItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      // Two statements: risk counters (CTR#…), quota usage (QUOTA#…). A refusal's count in risk's daily
      // summary (RISKSUM#…) is risk's function's write, a flow-control lease the gateway's.
      `dynamodb:UpdateItem on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    'api/get-risk-profile': [`dynamodb:GetItem on ${T}`, `dynamodb:Query on ${T}`],
    'api/put-risk-profile': [`dynamodb:GetItem on ${T}`, `dynamodb:PutItem on ${T}`],
    'api/get-routing-config': [`dynamodb:GetItem on ${T}`],
    'api/put-routing-config': [`dynamodb:GetItem on ${T}`, `dynamodb:PutItem on ${T}`],
    // Flow control's ops routes: the limits item (PutItem scoped to MER#…).
    'api/get-merchant-limits': [`dynamodb:GetItem on ${T}`],
    'api/put-merchant-limits': [`dynamodb:GetItem on ${T}`, `dynamodb:PutItem on ${T}`],
    'api/get-payment': [`dynamodb:GetItem on ${T}`],
    // Request signing: PutItem scoped to merchant records (MER#…), pinned in test/infra/gateway-guard.test.ts.
    'api/put-request-signing': [`dynamodb:GetItem on ${T}`, `dynamodb:PutItem on ${T}`],
    'api/list-payments': [
      `dynamodb:BatchGetItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:Query on ${T}/index/GSI1`,
    ],
    // Ops reads (no flow-control lease): the merchant list (GSI1) or all payments (GSI4); the review
    // queue's keys come from risk's function.
    'api/ops-payments': [
      `dynamodb:BatchGetItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:Query on ${T}/index/GSI1`,
      `dynamodb:Query on ${T}/index/GSI4`,
    ],
    'api/create-refund': [
      `dynamodb:ConditionCheckItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    'api/list-refunds': [`dynamodb:GetItem on ${T}`, `dynamodb:Query on ${T}`],
    // Core's function applies the channels' outcomes (OBJ#…) and moves a failover's quota count (QUOTA#…:
    // UpdateItem), each scoped by dynamodb:LeadingKeys; the callback itself touches no item.
    'internal/apply-channel-outcomes': [
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:Query on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    'channels/callback': [],
    // The breakers and settings (CHANNEL#…: BatchGetItem, PutItem) and the unavailability counts (HLT#…:
    // UpdateItem), each scoped by dynamodb:LeadingKeys; nothing of core's (its payments' states and
    // writes are core's functions').
    'channels/dispatch': [
      `dynamodb:BatchGetItem on ${T}`,
      `dynamodb:DescribeStream on ${T} StreamArn`,
      `dynamodb:GetRecords on ${T} StreamArn`,
      `dynamodb:GetShardIterator on ${T} StreamArn`,
      'dynamodb:ListStreams on *',
      `dynamodb:PutItem on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    // The object checked is read and written by core's functions.
    'channels/check': [],
    'api/create-webhook-endpoint': [`dynamodb:GetItem on ${T}`, `dynamodb:PutItem on ${T}`],
    'api/list-webhook-deliveries': [`dynamodb:GetItem on ${T}`, `dynamodb:Query on ${T}`],
    // Risk during and after (infra/constructs/risk-consumer.ts): beyond GetItem, scoped by dynamodb:LeadingKeys.
    // The review's decision and the refund it may owe are written by core's function (below): the review
    // function writes the settlement hold only; a payment's timeline is core's payment-events' answer.
    'api/review-payment': [`dynamodb:GetItem on ${T}`, `dynamodb:UpdateItem on ${T}`],
    'api/create-fraud-report': [
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:Query on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    'api/get-risk-summary': [`dynamodb:GetItem on ${T}`],
    // Merchants and API keys (infra/constructs/merchants.ts): each change one TransactWriteItems, scoped by
    // dynamodb:LeadingKeys (test/infra/merchants.test.ts pins the prefixes).
    'api/create-merchant': [`dynamodb:GetItem on ${T}`, `dynamodb:PutItem on ${T}`],
    'api/list-merchants': [`dynamodb:GetItem on ${T}`, `dynamodb:Query on ${T}`],
    'api/get-merchant': [`dynamodb:GetItem on ${T}`, `dynamodb:Query on ${T}`],
    'api/review-merchant': [
      `dynamodb:DeleteItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
    ],
    'api/suspend-merchant': [
      `dynamodb:DeleteItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
    ],
    'api/reinstate-merchant': [
      `dynamodb:DeleteItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
    ],
    'api/issue-api-key': [
      `dynamodb:ConditionCheckItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
    ],
    'api/list-api-keys': [`dynamodb:GetItem on ${T}`, `dynamodb:Query on ${T}`],
    'api/roll-api-key': [
      `dynamodb:ConditionCheckItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    'api/revoke-api-key': [
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    // Dead letters (infra/constructs/dead-letters.ts): the key lookup only; their SQS grants are pinned by
    // test/infra/dead-letters.test.ts. The list's function also serves the overview, whose figures it asks
    // of their owners' functions (test/infra/ops-console.test.ts).
    'api/list-dead-letter-queues': [`dynamodb:GetItem on ${T}`],
    // Other services' reads, each by the owner's function, on the owner's items only (internal-functions.ts).
    'internal/merchant-registry': [`dynamodb:Query on ${T}`],
    'internal/hold-counts': [`dynamodb:Query on ${T}`],
    'internal/held-payments': [`dynamodb:Query on ${T}`],
    'internal/review-queue': [`dynamodb:Query on ${T}/index/GSI4`],
    'internal/open-discrepancies': [`dynamodb:Query on ${T}`],
    'internal/channel-health-summary': [`dynamodb:BatchGetItem on ${T}`],
    'api/list-dead-letter-messages': [`dynamodb:GetItem on ${T}`],
    'api/redrive-dead-letter-queue': [`dynamodb:GetItem on ${T}`],
    'api/list-dead-letter-redrives': [`dynamodb:GetItem on ${T}`],
    'events/risk': [
      `dynamodb:BatchGetItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:Query on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    // Core's writes of risk's decisions (infra/constructs/internal-functions.ts): the payment's read and guarded
    // updates, the owed refund's transaction (Put of the request and the refund, Update of the payment).
    'internal/apply-risk-decisions': [
      `dynamodb:ConditionCheckItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    // Channel health (infra/constructs/channel-health.ts): scoped by dynamodb:LeadingKeys to the channel
    // records (CHANNEL#…) and the outcome counts (HLT#…).
    'api/list-channels': [`dynamodb:BatchGetItem on ${T}`, `dynamodb:GetItem on ${T}`],
    'api/get-channel': [`dynamodb:BatchGetItem on ${T}`, `dynamodb:GetItem on ${T}`],
    'api/put-channel': [
      `dynamodb:BatchGetItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
    ],
    'events/channel-health': [`dynamodb:UpdateItem on ${T}`],
    'events/merchant-webhooks': [
      `dynamodb:BatchGetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:Query on ${T}`,
    ],
    // Usage (infra/constructs/usage.ts): counters read (Query USAGE…), the price list written (PutItem
    // BILLING), the aggregator's transaction (PutItem marker, UpdateItem counters, both USAGE…), each scoped
    // by dynamodb:LeadingKeys.
    'api/get-merchant-usage': [`dynamodb:GetItem on ${T}`, `dynamodb:Query on ${T}`],
    'api/get-billing-statement': [
      `dynamodb:GetItem on ${T}`,
      `dynamodb:Query on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    'api/get-billing-prices': [`dynamodb:GetItem on ${T}`],
    'api/put-billing-prices': [`dynamodb:GetItem on ${T}`, `dynamodb:PutItem on ${T}`],
    'usage/aggregate-usage': [`dynamodb:PutItem on ${T}`, `dynamodb:UpdateItem on ${T}`],
    // A run asks core's function for the channel-day's outcomes (GSI3): it reads no index.
    'events/reconcile-run': [
      `dynamodb:BatchWriteItem on ${T}`,
      `dynamodb:ConditionCheckItem on ${T}`,
      `dynamodb:GetItem on ${T}`,
      `dynamodb:PutItem on ${T}`,
      `dynamodb:Query on ${T}`,
      `dynamodb:UpdateItem on ${T}`,
    ],
    // The gateway's leases for the other services' merchant routes: the bucket shards (FLOW#…) only.
    'internal/flow-lease': [`dynamodb:UpdateItem on ${T}`],
    // Core's internal reads for other services: each one index, read-only.
    'internal/channel-day-outcomes': [`dynamodb:Query on ${T}/index/GSI3`],
    'internal/settlement-lines': [`dynamodb:Query on ${T}/index/GSI2`],
    // ... and risk's: a reported payment's slot, a payment's partition (OBJ#…), read-only.
    'internal/payment-customer': [`dynamodb:GetItem on ${T}`],
    'internal/payment-events': [`dynamodb:Query on ${T}`],
    // Core's payments and refunds as the channels' dispatcher and checks need them (OBJ#…).
    'internal/object-states': [`dynamodb:BatchGetItem on ${T}`],
    // The channels' fee schedules for settlement: their settings, read-only.
    'internal/channel-fees': [`dynamodb:BatchGetItem on ${T}`],
    // What create-payment checks and routes by, for core: each read-only.
    'internal/merchant-risk-profile': [`dynamodb:Query on ${T}`],
    'internal/routing-config': [`dynamodb:GetItem on ${T}`],
    'internal/channel-facts': [`dynamodb:BatchGetItem on ${T}`],
  };

  for (const [handler, grants] of Object.entries(expected)) {
    test(`${handler} may do exactly ${grants.length ? grants.map((g) => g.split(' ')[0]).join(', ') : 'nothing'} on DynamoDB`, () => {
      const roleId = referencedId(fn(handler).resource.Properties.Role);
      assert.ok(roleId);
      assert.deepEqual(dynamoGrants(resources, roleId), [...grants].sort());
    });
  }

  test('create-payment may put an item but never delete, scan or use a wildcard action', () => {
    const grants = dynamoGrants(
      resources,
      referencedId(fn('api/create-payment').resource.Properties.Role) ?? '',
    );
    assert.ok(grants.includes(`dynamodb:PutItem on ${T}`));
    for (const forbidden of ['dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:*']) {
      assert.ok(!grants.some((g) => g.startsWith(`${forbidden} `)), forbidden);
    }
  });

  test('no function may touch every index of the table', () => {
    const all = functions.flatMap((f) =>
      dynamoGrants(resources, referencedId(f.resource.Properties.Role) ?? ''),
    );
    assert.deepEqual(
      all.filter((g) => g.endsWith('/index/*')),
      [],
    );
  });
});

describe('channels', () => {
  test('keeps the sandbox webhook secrets in Secrets Manager under their documented name', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'payments/channels/sandbox/webhook-secrets',
      GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
    });
  });

  test('feeds dispatch from the table stream with only new processing payments and pending refunds', () => {
    // The event publisher reads the same stream (test/infra/events.test.ts).
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(
      ([, m]) =>
        invokedFunctionId(resources, m.Properties.FunctionName) === fn('channels/dispatch').logicalId,
    );
    assert.equal(mappings.length, 1);
    const [[, mapping] = []] = mappings;
    const p = mapping?.Properties ?? {};
    assert.equal(invokedFunctionId(resources, p.FunctionName), fn('channels/dispatch').logicalId);
    assert.deepEqual(p.EventSourceArn, { 'Fn::GetAtt': [tableId, 'StreamArn'] });
    const filters = (p.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    assert.deepEqual(
      filters.map((f) => JSON.parse(f.Pattern)),
      [
        {
          eventName: ['INSERT'],
          dynamodb: {
            NewImage: { entity: { S: ['payment', 'refund'] }, status: { S: ['processing', 'pending'] } },
          },
        },
      ],
    );
  });

  test('retries a failing dispatch batch by halves, then parks it in an encrypted dead-letter queue', () => {
    // Dispatch's live alias (test/infra/canary.test.ts): the function's name read from its ARN, `:live`.
    const [, dispatch] =
      ofType('AWS::Lambda::EventSourceMapping').find(
        ([, m]) =>
          invokedFunctionId(resources, m.Properties.FunctionName) === fn('channels/dispatch').logicalId,
      ) ?? [];
    assert.ok(dispatch);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: dispatch.Properties.FunctionName,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 0,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetter'), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('points dispatch at the sandbox PSP given in the sandboxPspUrl context', () => {
    // Prepare: bundling skipped, only the wiring matters here.
    const other = new App({
      context: { sandboxPspUrl: 'https://psp.example.test', 'aws:cdk:bundling-stacks': [] },
    });
    const otherStack = new ChannelsStack(other, 'Payments-Channels');
    // Assess
    Template.fromStack(otherStack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SANDBOX_PSP_URL: 'https://psp.example.test' }) },
    });
  });
});

describe('monitoring', () => {
  // The alarms that roll back a release (test/infra/canary.test.ts) are CodeDeploy's, not ops': apart.
  const isRollback = (a: Record<string, unknown>) =>
    String(a.AlarmDescription).includes('Rolls back a deployment');
  const rollbackAlarms = ofType('AWS::CloudWatch::Alarm')
    .map(([, a]) => a.Properties)
    .filter(isRollback);
  const alarms = ofType('AWS::CloudWatch::Alarm')
    .map(([, a]) => a.Properties)
    .filter((a) => !isRollback(a));
  const topicId = ofType('AWS::SNS::Topic')[0]?.[0];

  test('alarms on any API 5xx within five minutes', () => {
    const alarm = alarms.find((a) => a.MetricName === '5xx' && a.Namespace === 'AWS/ApiGateway');
    assert.ok(alarm);
    assert.equal(alarm.Threshold, 0);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.Statistic, 'Sum');
  });

  test('alarms on errors of every function: its own alarm, or the API 5xx alarm for a route function', () => {
    const watched = alarms
      .filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda')
      .map((a) => referencedId((a.Dimensions as { Value: unknown }[])[0]?.Value));
    // The API's route functions (functions/api/): an unhandled error or a timeout of one is an API 5xx.
    const behindApi = (f: { source: string }) => f.source.startsWith('functions/api/');
    assert.deepEqual(
      watched.sort(),
      functions
        .filter((f) => !behindApi(f))
        .map((f) => f.logicalId)
        .sort(),
    );
    const api5xx = alarms.find((a) => a.MetricName === '5xx' && a.Namespace === 'AWS/ApiGateway');
    assert.equal(api5xx?.Threshold, 0);
    assert.equal(api5xx?.ComparisonOperator, 'GreaterThanThreshold');
    assert.ok(functions.some(behindApi) && functions.some((f) => !behindApi(f)));
  });

  test('alarms as soon as one record reaches the dispatch dead-letter queue', () => {
    const dlqId = ofType('AWS::SQS::Queue').find(([id]) =>
      id.startsWith('ChannelsDispatchDeadLetterQueue'),
    )?.[0];
    const alarm = alarms.find(
      (a) =>
        a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(a.Dimensions).includes(`"${dlqId}"`),
    );
    assert.ok(alarm);
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
  });

  test('alarms when dispatch lags behind the stream', () => {
    const alarm = alarms.find(
      (a) =>
        a.MetricName === 'IteratorAge' &&
        referencedId((a.Dimensions as { Value: unknown }[])[0]?.Value) === fn('channels/dispatch').logicalId,
    );
    assert.ok(alarm);
    assert.equal(
      referencedId((alarm.Dimensions as { Value: unknown }[])[0]?.Value),
      fn('channels/dispatch').logicalId,
    );
  });

  test('every alarm notifies the KMS-encrypted, TLS-only alarm topic', () => {
    // API 5xx, one per function not behind the API (a route function's failure is an API 5xx), one per
    // dead-letter queue (dispatch, publisher, each consumer), the iterator age of the two stream consumers
    // (dispatch, publisher), failed settlement runs and payouts, channel breakers opening and their store
    // failing open, flow control's store failing open.
    // The SLO burn-rate windows (test/infra/ops-console.test.ts) notify nothing themselves: their two
    // composite alarms do, once both windows of a pair burn.
    const deadLetterQueues = ofType('AWS::SQS::Queue').filter(([id]) => id.includes('DeadLetterQueue'));
    const notBehindApi = functions.filter((f) => !f.source.startsWith('functions/api/'));
    const [sloWindows, paging] = [
      alarms.filter((a) => String(a.AlarmDescription).includes('notifies nothing itself')),
      alarms.filter((a) => !String(a.AlarmDescription).includes('notifies nothing itself')),
    ];
    assert.equal(sloWindows.length, 8);
    // Errors and p99 duration of each function's alias, and create-payment's success rate: CodeDeploy reads
    // them during a deployment; the paging alarms below already page on the same failures.
    assert.equal(rollbackAlarms.length, 2 * functions.length + 1);
    for (const alarm of rollbackAlarms) assert.equal(alarm.AlarmActions, undefined);
    for (const alarm of sloWindows) assert.equal(alarm.AlarmActions, undefined);
    assert.equal(paging.length, 1 + notBehindApi.length + deadLetterQueues.length + 2 + 2 + 2 + 1);
    for (const alarm of paging) assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }]);
    const composites = ofType('AWS::CloudWatch::CompositeAlarm').map(([, a]) => a.Properties);
    assert.equal(composites.length, 2);
    for (const alarm of composites) assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

/** The exact environment of each function, as the local runtime will read it from the template. */
function expectedEnvironment(source: string): Record<string, unknown> {
  const env: Record<string, unknown> = {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'payments',
  };
  const tableless = [
    'functions/api/health.ts',
    'functions/events/publisher.ts',
    'functions/api/no-route.ts',
    'functions/api/console.ts',
    'functions/channels/callback.ts',
    'functions/channels/check.ts',
  ];
  if (!tableless.includes(source)) env.TABLE_NAME = { Ref: tableId };
  // Whoever has a channel's outcome applied finds core's function (its live alias) in its environment.
  const outcomeCallers = [
    'functions/channels/callback.ts',
    'functions/channels/dispatch.ts',
    'functions/channels/check.ts',
    'functions/events/reconcile-run.ts',
  ];
  if (outcomeCallers.includes(source))
    env.APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN = exposedAliasArn('core', 'apply-channel-outcomes');
  // Where the payments and refunds they submit or check stand: core's function, asked once per batch.
  if (source === 'functions/channels/dispatch.ts' || source === 'functions/channels/check.ts')
    env.OBJECT_STATES_FUNCTION_ARN = exposedAliasArn('core', 'object-states');
  // The $default route's function knows every other route of the template, from the same wiring; so does
  // the price list's PUT, which refuses a price for a route the API does not have.
  if (source === 'functions/api/no-route.ts' || source === 'functions/api/put-billing-prices.ts') {
    const keys = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties.RouteKey as string)
      .filter((key) => key !== '$default');
    env.ROUTE_KEYS = JSON.stringify(keys.sort());
  }
  if (source === 'functions/events/publisher.ts') env.EVENT_BUS_NAME = { Ref: busId };
  // Risk's decisions are written by core's function, invoked through its `live` alias.
  if (source === 'functions/events/risk.ts' || source === 'functions/api/review-payment.ts')
    env.APPLY_RISK_DECISIONS_FUNCTION_ARN = exposedAliasArn('core', 'apply-risk-decisions');
  if (source === 'functions/events/merchant-webhooks.ts') {
    env.WEBHOOK_QUEUE_URL = { Ref: webhookQueueId };
    env.WEBHOOK_MAX_RECEIVE_COUNT = String(DEFAULT_MAX_RECEIVE_COUNT);
  }
  if (source === 'functions/channels/dispatch.ts' || source === 'functions/channels/check.ts') {
    env.SANDBOX_PSP_URL = 'https://sandbox-psp.invalid';
    env.CHANNEL_CHECKS_QUEUE_URL = { Ref: checksQueueId };
    env.CHANNEL_CHECK_DELAYS = 'sandbox=120,stripe=600,alipay=900,wechatpay=900';
    Object.assign(env, channelSecretsEnv(), channelUrlsEnv());
    // Our callback route's base (the API's default stage), which Alipay and WeChat Pay requests name.
    env.CHANNEL_CALLBACK_BASE_URL = {
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: ofType('AWS::ApiGatewayV2::Api')[0]?.[0] },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
        ],
      ],
    };
  }
  if (source === 'functions/channels/check.ts') {
    env.CHANNEL_CHECKS_DEAD_LETTER_QUEUE_URL = { Ref: checksDlqId };
    env.CHANNEL_CHECK_MAX = '3';
  }
  // The merchant routes of every service but the gateway lease flow-control tokens through its function.
  const flowLeaseCallers = [
    'functions/api/create-payment.ts',
    'functions/api/get-payment.ts',
    'functions/api/list-payments.ts',
    'functions/api/create-refund.ts',
    'functions/api/list-refunds.ts',
    'functions/api/create-fraud-report.ts',
    'functions/api/list-settlements.ts',
    'functions/api/get-settlement.ts',
    'functions/api/create-webhook-endpoint.ts',
    'functions/api/list-webhook-deliveries.ts',
  ];
  if (flowLeaseCallers.includes(source))
    env.FLOW_LEASE_FUNCTION_ARN = exposedAliasArn('gateway', 'flow-lease');
  // Another service's function, reached through its live alias (ServiceStack.useFunction).
  if (source === 'functions/api/create-payment.ts') {
    env.COUNT_REFUSAL_FUNCTION_ARN = exposedAliasArn('risk', 'count-refusal');
    env.MERCHANT_RISK_PROFILE_FUNCTION_ARN = exposedAliasArn('risk', 'merchant-risk-profile');
    env.ROUTING_CONFIG_FUNCTION_ARN = exposedAliasArn('channels', 'routing-config');
    env.CHANNEL_FACTS_FUNCTION_ARN = exposedAliasArn('channels', 'channel-facts');
  }
  if (source === 'functions/api/ops-payments.ts')
    env.REVIEW_QUEUE_FUNCTION_ARN = exposedAliasArn('risk', 'review-queue');
  if (source === 'functions/api/create-fraud-report.ts')
    env.PAYMENT_CUSTOMER_FUNCTION_ARN = exposedAliasArn('core', 'payment-customer');
  if (source === 'functions/api/review-payment.ts')
    env.PAYMENT_EVENTS_FUNCTION_ARN = exposedAliasArn('core', 'payment-events');
  if (source === 'functions/api/list-dead-letter-queues.ts') {
    env.CHANNEL_HEALTH_SUMMARY_FUNCTION_ARN = exposedAliasArn('channels', 'channel-health-summary');
    env.MERCHANT_REGISTRY_FUNCTION_ARN = exposedAliasArn('gateway', 'merchant-registry');
    env.HOLD_COUNTS_FUNCTION_ARN = exposedAliasArn('risk', 'hold-counts');
    env.OPEN_DISCREPANCIES_FUNCTION_ARN = exposedAliasArn('reconciliation', 'open-discrepancies');
  }
  if (source === 'functions/api/resolve-discrepancy.ts' || source === 'functions/events/reconcile-run.ts')
    env.SET_HOLDS_FUNCTION_ARN = exposedAliasArn('risk', 'set-holds');
  if (source === 'functions/api/review-merchant.ts')
    env.RATE_MERCHANT_FUNCTION_ARN = exposedAliasArn('risk', 'rate-merchant');
  if (source === 'functions/api/upload-statement.ts') env.STATEMENTS_BUCKET = { Ref: bucketId };
  if (source === 'functions/api/start-settlement-run.ts') {
    env.SETTLEMENT_STATE_MACHINE_ARN = { Ref: stateMachineId };
  }
  if (source === 'functions/settlement/pay-out.ts') env.SANDBOX_PSP_URL = 'https://sandbox-psp.invalid';
  if (source === 'functions/events/reconcile-run.ts') {
    env.STATEMENTS_BUCKET = { Ref: bucketId };
    env.SANDBOX_PSP_URL = 'https://sandbox-psp.invalid';
    env.RUNS_MAX_RECEIVE_COUNT = '3';
    env.CHANNEL_DAY_OUTCOMES_FUNCTION_ARN = exposedAliasArn('core', 'channel-day-outcomes');
    Object.assign(env, channelSecretsEnv(), channelUrlsEnv());
  }
  // Another service's function it invokes: its live alias (the SSM parameter its owner writes).
  if (source === 'functions/api/get-settlement.ts' || source === 'functions/settlement/settle-merchant.ts') {
    env.SETTLEMENT_LINES_FUNCTION_ARN = exposedAliasArn('core', 'settlement-lines');
  }
  if (source === 'functions/settlement/settle-merchant.ts') {
    env.CHANNEL_FEES_FUNCTION_ARN = exposedAliasArn('channels', 'channel-fees');
    env.HELD_PAYMENTS_FUNCTION_ARN = exposedAliasArn('risk', 'held-payments');
  }
  if (source === 'functions/settlement/start-run.ts') {
    env.MERCHANT_REGISTRY_FUNCTION_ARN = exposedAliasArn('gateway', 'merchant-registry');
  }
  if (source === 'functions/channels/callback.ts') {
    // A CloudFormation dynamic reference: resolved by CloudFormation at deploy time, never in code.
    env.SANDBOX_WEBHOOK_SECRETS = {
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
    };
    Object.assign(env, channelSecretsEnv());
  }
  return env;
}
