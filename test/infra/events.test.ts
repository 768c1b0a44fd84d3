import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { Events } from '../../infra/constructs/events.js';
import { RiskStack } from '../../infra/stacks/services.js';
import { matchesPattern, type Pattern } from '../../local/src/filter-pattern.js';
import { PUBLISHED_DETAIL_TYPES } from '../../shared/schemas/events.js';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../shared/webhooks/backoff.js';
import { publishedEventSamples } from '../support/event-samples.js';
import { type Resource, referencedId, synthesize } from './synthesized.js';

// One synthesis for the file; bundles are skipped (the wiring is what is tested here; payments-stack.test.ts
// bundles every function). The merged view of every stack: a reference through an SSM parameter is
// followed to the resource that wrote it (synthesized.ts).
const { stacks, template, resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const idOf = (construct: Construct) =>
  Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as never);
const busId = idOf(stacks.foundation.events.bus);
const publisherId = idOf(stacks.core.publisher.publisherFunction);
const tableId = idOf(stacks.foundation.table);

/** Every rule of `resources` whose pattern matches none of `samples`, by logical id. */
function rulesMatchingNothing(rules: Record<string, Resource>, samples: readonly unknown[]): string[] {
  return Object.entries(rules)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern !== undefined)
    .filter(([, r]) => !samples.some((event) => matchesPattern(r.Properties.EventPattern as Pattern, event)))
    .map(([id]) => id);
}

/** The IAM statements attached to a role, as `action on resource` strings. */
function grantsOf(roleLogicalId: string): string[] {
  const grants: string[] = [];
  for (const [, policy] of ofType('AWS::IAM::Policy')) {
    if (!(policy.Properties.Roles as unknown[]).map(referencedId).includes(roleLogicalId)) continue;
    const document = policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
    for (const statement of document.Statement) {
      for (const action of ([] as string[]).concat(statement.Action as string[])) {
        for (const resource of ([] as unknown[]).concat(statement.Resource)) {
          grants.push(`${action} on ${typeof resource === 'string' ? resource : JSON.stringify(resource)}`);
        }
      }
    }
  }
  return grants.sort();
}

const roleOf = (functionLogicalId: string) =>
  referencedId(resources[functionLogicalId]?.Properties.Role) ??
  assert.fail(`${functionLogicalId} has no role`);

describe('event bus', () => {
  test('is the custom bus "payments"', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'payments' });
  });

  test('archives every payments event for 90 days', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
      RetentionDays: 90,
      EventPattern: { source: ['payments'] },
    });
  });

  test('the archive keeps every event we publish', () => {
    const [[, archive] = []] = ofType('AWS::Events::Archive');
    for (const event of publishedEventSamples()) {
      assert.ok(matchesPattern(archive?.Properties.EventPattern as Pattern, event), event['detail-type']);
    }
  });
});

describe('publisher', () => {
  const mapping = ofType('AWS::Lambda::EventSourceMapping').find(
    ([, m]) => referencedId(m.Properties.FunctionName) === publisherId,
  )?.[1];

  test('reads the table stream from the start, 100 records at a time, reporting partial failures', () => {
    assert.ok(mapping);
    const p = mapping.Properties;
    assert.deepEqual(p.EventSourceArn, { 'Fn::GetAtt': [tableId, 'StreamArn'] });
    assert.equal(p.StartingPosition, 'TRIM_HORIZON');
    assert.equal(p.BatchSize, 100);
    assert.equal(p.BisectBatchOnFunctionError, true);
    assert.ok((p.MaximumRetryAttempts as number) > 0);
    assert.deepEqual(p.FunctionResponseTypes, ['ReportBatchItemFailures']);
    const destination = (p.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure
      .Destination;
    assert.equal(referencedId(destination), idOf(stacks.core.publisher.publisherDeadLetterQueue));
  });

  test('is invoked for changes of payments and refunds, new discrepancies and runs, and breaker state changes, only', () => {
    const filters = (mapping!.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    assert.deepEqual(
      filters.map((f) => JSON.parse(f.Pattern)),
      [
        {
          eventName: ['INSERT', 'MODIFY'],
          dynamodb: { NewImage: { entity: { S: ['payment', 'refund'] } } },
        },
        {
          eventName: ['INSERT'],
          dynamodb: { NewImage: { entity: { S: ['discrepancy', 'reconciliationRun', 'merchantChange'] } } },
        },
        {
          eventName: ['INSERT', 'MODIFY'],
          dynamodb: {
            NewImage: { entity: { S: ['channelBreaker'] }, announce: { S: [{ exists: true }] } },
          },
        },
      ],
    );
  });

  test('knows the bus by name from its environment', () => {
    const env = (resources[publisherId]!.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    assert.deepEqual(env.EVENT_BUS_NAME, { Ref: busId });
    assert.equal(env.TABLE_NAME, undefined);
  });

  test('may put events on the payments bus only, and read no table item', () => {
    const grants = grantsOf(roleOf(publisherId));
    const eventsGrants = grants.filter((g) => g.startsWith('events:'));
    assert.deepEqual(eventsGrants, [
      `events:PutEvents on ${JSON.stringify({ 'Fn::GetAtt': [busId, 'Arn'] })}`,
    ]);
    const dynamo = grants.filter((g) => g.startsWith('dynamodb:')).map((g) => g.split(' ')[0]);
    assert.deepEqual([...new Set(dynamo)].sort(), [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    assert.ok(!grants.some((g) => g.startsWith('sqs:Send') && !g.includes('PublisherDeadLetterQueue')));
  });
});

describe('consumers', () => {
  // Rules on the payments bus (the daily reconciliation schedule is on the default bus: its own test).
  const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties?.EventBusName !== undefined);
  const consumers = Object.values(stacks)
    .flatMap((s) => ('consumers' in s ? s.consumers : []))
    .map((c) => ({
      name: c.fn.node.id,
      fnId: idOf(c.fn),
      queueId: idOf(c.queue),
      dlqId: idOf(c.deadLetterQueue),
      ruleId: idOf(c.rule),
    }));

  test('no consumer records outcomes a second time: payments and refunds are their own outcome records', () => {
    // Reconciliation and settlement read the objects' own indexes (GSI3, GSI2), written by the transition.
    // Channel health counts outcomes per batch in aggregate buckets, never a record per payment.
    assert.deepEqual(consumers.map((c) => c.name).sort(), [
      'ChannelHealthFunction',
      'MerchantWebhooksFunction',
      'ReconciliationRunsFunction',
      'RiskFunction',
    ]);
    const entries = ofType('AWS::Lambda::Function').map(([, r]) => String(r.Properties?.Description));
    assert.ok(!entries.some((d) => d.includes('record what each channel should report')));
  });

  test('every rule is on the payments bus and targets exactly its consumer queue', () => {
    assert.equal(rules.length, consumers.length);
    for (const c of consumers) {
      const rule = resources[c.ruleId]?.Properties;
      assert.deepEqual(rule?.EventBusName, { Ref: busId }, c.name);
      const targets = rule?.Targets as { Arn: unknown }[];
      assert.equal(targets.length, 1, c.name);
      assert.deepEqual(targets[0]?.Arn, { 'Fn::GetAtt': [c.queueId, 'Arn'] }, c.name);
    }
  });

  test('every queue lets only its rule send to it, over TLS', () => {
    for (const c of consumers) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: c.queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Action: Match.arrayWith(['sqs:SendMessage']),
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [c.ruleId, 'Arn'] } } },
            }),
          ]),
        },
      });
    }
  });

  test('every queue is encrypted, dead-letters after 5 receives and hides a message for 6 × the timeout', () => {
    for (const c of consumers) {
      const queue = resources[c.queueId]?.Properties ?? {};
      assert.equal(queue.SqsManagedSseEnabled, true, c.name);
      // Merchant webhooks set their own backoff per receive (shared/webhooks/backoff.ts): more, longer tries.
      // A reconciliation run is retried twice, then marked failed (functions/events/reconcile-run.ts).
      const receives =
        c.name === 'MerchantWebhooksFunction'
          ? DEFAULT_MAX_RECEIVE_COUNT
          : c.name === 'ReconciliationRunsFunction'
            ? 3
            : 5;
      assert.deepEqual(
        queue.RedrivePolicy,
        { deadLetterTargetArn: { 'Fn::GetAtt': [c.dlqId, 'Arn'] }, maxReceiveCount: receives },
        c.name,
      );
      const timeout = resources[c.fnId]?.Properties.Timeout as number;
      assert.ok((queue.VisibilityTimeout as number) >= 6 * timeout, c.name);
      const dlq = resources[c.dlqId]?.Properties ?? {};
      assert.equal(dlq.SqsManagedSseEnabled, true, c.name);
      assert.equal(dlq.MessageRetentionPeriod, 14 * 24 * 3600, c.name);
    }
  });

  test('every queue feeds its function with partial batch responses', () => {
    for (const c of consumers) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: c.fnId },
        EventSourceArn: { 'Fn::GetAtt': [c.queueId, 'Arn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: Match.anyValue(),
      });
    }
  });

  test('batches what nobody waits on: webhooks gather for 1 s, channel health 100 for 5 s, risk and reconciliation runs not at all', () => {
    const mappingOf = (fnId: string) =>
      ofType('AWS::Lambda::EventSourceMapping')
        .map(([, m]) => m.Properties)
        .find((m) => JSON.stringify(m.FunctionName) === JSON.stringify({ Ref: fnId }));
    const windows = Object.fromEntries(
      consumers.map((c) => [
        c.name,
        [mappingOf(c.fnId)?.BatchSize, mappingOf(c.fnId)?.MaximumBatchingWindowInSeconds],
      ]),
    );
    assert.deepEqual(windows, {
      RiskFunction: [10, undefined],
      MerchantWebhooksFunction: [10, 1],
      // One reconciliation run per invocation, started at once.
      ReconciliationRunsFunction: [1, undefined],
      // Counts: the bigger the batch, the fewer writes per key.
      ChannelHealthFunction: [100, 5],
    });
  });

  test('a daily schedule starts yesterday’s reconciliation runs through the runs queue', () => {
    const schedules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties?.ScheduleExpression);
    const runsQueueId = consumers.find((c) => c.name === 'ReconciliationRunsFunction')?.queueId;
    const [, schedule] = schedules.find(([, r]) =>
      JSON.stringify(r.Properties?.Targets).includes(String(runsQueueId)),
    ) as [string, { Properties: Record<string, unknown> }];
    assert.equal(schedule.Properties.ScheduleExpression, 'cron(30 2 * * ? *)');
    const runs = consumers.find((c) => c.name === 'ReconciliationRunsFunction');
    assert.deepEqual((schedule.Properties.Targets as { Arn: unknown }[])[0]?.Arn, {
      'Fn::GetAtt': [runs?.queueId, 'Arn'],
    });
  });

  test('every dead-letter queue, the publisher one included, alarms at its first message', () => {
    const dlqIds = [...consumers.map((c) => c.dlqId), idOf(stacks.core.publisher.publisherDeadLetterQueue)];
    const alarmed = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && a.Threshold === 1)
      .map((a) => (a.Dimensions as { Value: unknown }[])[0]?.Value)
      .map((v) => (v as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt']?.[0]);
    for (const id of dlqIds) assert.ok(alarmed.includes(id), `${id} has no depth alarm`);
  });
});

describe('rule patterns', () => {
  const samples = publishedEventSamples();

  test('samples cover every published detail-type', () => {
    assert.deepEqual(samples.map((s) => s['detail-type']).sort(), [...PUBLISHED_DETAIL_TYPES].sort());
  });

  test('every rule matches at least one event we publish', () => {
    assert.deepEqual(rulesMatchingNothing(resources, samples), []);
  });

  test('a rule whose pattern matches no event we publish is caught (a typo in a detail-type)', () => {
    // Prepare: a consumer whose detail-type is misspelt (the type system would refuse it: cast on purpose).
    const scratch = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Scratch');
    const bus = new events.EventBus(scratch, 'Bus', { eventBusName: 'payments' });
    new events.Rule(scratch, 'Typo', {
      eventBus: bus,
      eventPattern: { source: ['payments'], detailType: ['PaymentSucceded'] },
    });
    new events.Rule(scratch, 'Fine', {
      eventBus: bus,
      eventPattern: { source: ['payments'], detailType: ['PaymentSucceeded'] },
    });
    const scratchResources = Template.fromStack(scratch).toJSON().Resources as Record<string, Resource>;
    // Act
    const unmatched = rulesMatchingNothing(scratchResources, samples);
    // Assess
    assert.equal(unmatched.length, 1);
    assert.match(unmatched[0] ?? '', /^Typo/);
  });
});

describe('addConsumer', () => {
  // Validation happens before anything is created, so one scratch stack serves every refusal.
  const scratch = new RiskStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Scratch');
  const scratchEvents = () => scratch.events;

  test('refuses a visibility timeout under six times the function timeout', () => {
    assert.throws(
      () =>
        scratchEvents().addConsumer('Short', {
          entry: 'events/risk',
          description: 'test',
          detailTypes: ['PaymentCreated'],
          timeout: Duration.seconds(30),
          visibilityTimeout: Duration.seconds(60),
        }),
      /under 6 × the function timeout/,
    );
  });

  test('refuses a consumer of no detail-type', () => {
    assert.throws(
      () =>
        scratchEvents().addConsumer('Nothing', {
          entry: 'events/risk',
          description: 'x',
          detailTypes: [],
        }),
      /at least one detail-type/,
    );
  });

  test('exposes the construct for other constructs to add consumers', () => {
    assert.ok(stacks.risk.events instanceof Events);
  });
});
