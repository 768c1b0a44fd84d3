/**
 * The local EventBridge endpoint through the real @aws-sdk/client-eventbridge (AWS JSON 1.1): PutEvents
 * validation and result shapes, the event envelope, archives, and routing by the template's rules
 * (event patterns) to SQS queues; plus the template wiring's start-up errors.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { AwsJsonServer } from '../src/aws-json.js';
import { eventArchives, eventBuses, eventRules, queueConfigs, sqsMappings } from '../src/event-wiring.js';
import { ARCHIVED_IN_MEMORY, EventBridge, startEventBridgeEndpoint } from '../src/eventbridge.js';
import { createLogger } from '../src/log.js';
import { type ResolveContext, resolveValue } from '../src/resolve.js';
import { SqsBroker } from '../src/sqs.js';
import type { CfnTemplate } from '../src/template.js';

// The shape CDK synthesizes for the event backbone (infra/constructs/events.ts), trimmed.
const template: CfnTemplate = {
  Resources: {
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'payments' } },
    BusArchive: {
      Type: 'AWS::Events::Archive',
      Properties: { SourceArn: { 'Fn::GetAtt': ['Bus', 'Arn'] }, EventPattern: { source: ['payments'] } },
    },
    RiskDeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
    RiskQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        VisibilityTimeout: 180,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': ['RiskDeadLetterQueue', 'Arn'] },
          maxReceiveCount: 5,
        },
      },
    },
    ReconciliationQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'recon' } },
    RiskRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: { Ref: 'Bus' },
        EventPattern: { source: ['payments'], 'detail-type': ['PaymentCreated', 'PaymentSucceeded'] },
        State: 'ENABLED',
        Targets: [{ Arn: { 'Fn::GetAtt': ['RiskQueue', 'Arn'] }, Id: 'Target0' }],
      },
    },
    ReconciliationRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: { Ref: 'Bus' },
        EventPattern: {
          source: ['payments'],
          'detail-type': [{ suffix: 'Succeeded' }, { suffix: 'Failed' }],
          detail: { data: { amount: [{ numeric: ['>', 0] }] } },
        },
        Targets: [{ Arn: { 'Fn::GetAtt': ['ReconciliationQueue', 'Arn'] }, Id: 'Target0' }],
      },
    },
    RiskMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['RiskQueue', 'Arn'] },
        FunctionName: { Ref: 'RiskFunction' },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    },
    RiskFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
  },
};

const ctx: ResolveContext = {
  template,
  region: 'us-east-1',
  accountId: '000000000000',
  stackName: 'Payments',
  secrets: {},
};
const log = createLogger({ quiet: true });

let broker: SqsBroker;
let bridge: EventBridge;
let server: AwsJsonServer;
let events: EventBridgeClient;

before(async () => {
  broker = new SqsBroker({
    region: 'us-east-1',
    accountId: '000000000000',
    queues: queueConfigs(template, ctx),
  });
  const buses = eventBuses(template, ctx);
  bridge = new EventBridge({
    region: 'us-east-1',
    accountId: '000000000000',
    buses,
    rules: eventRules(template, ctx, buses, broker, log),
    archives: eventArchives(template, ctx, buses),
    broker,
    log,
  });
  server = await startEventBridgeEndpoint(bridge, log);
  events = new EventBridgeClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

after(async () => {
  events.destroy();
  broker.stop();
  await server.close();
});

beforeEach(() => {
  for (const q of broker.queues) broker.clear(q);
});

const queueNamed = (name: string) => broker.queueByName(name)!;
const bodies = (name: string) => broker.peek(queueNamed(name)).map((m) => JSON.parse(m.body));

const entry = (detailType: string, detail: object = { data: { amount: 100 } }) => ({
  EventBusName: 'payments',
  Source: 'payments',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});

describe('template wiring for the event backbone', () => {
  it('reads queues with their defaults and redrive policy, and Ref of a queue is its URL', () => {
    const risk = queueConfigs(template, ctx).find((q) => q.logicalId === 'RiskQueue');
    assert.deepEqual(risk, {
      logicalId: 'RiskQueue',
      name: 'RiskQueue',
      visibilityTimeout: 180,
      messageRetentionPeriod: 345600,
      delaySeconds: 0,
      receiveMessageWaitTimeSeconds: 0,
      maximumMessageSize: 1048576,
      redrivePolicy: {
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:RiskDeadLetterQueue',
        maxReceiveCount: 5,
      },
      sqsManagedSseEnabled: true,
    });
    assert.equal(
      resolveValue(ctx, { Ref: 'ReconciliationQueue' }),
      'https://sqs.us-east-1.amazonaws.com/000000000000/recon',
    );
    const local = { ...ctx, refs: { ReconciliationQueue: 'http://127.0.0.1:1/000000000000/recon' } };
    assert.equal(
      resolveValue(local, { Ref: 'ReconciliationQueue' }),
      'http://127.0.0.1:1/000000000000/recon',
    );
    assert.equal(
      resolveValue(ctx, { 'Fn::GetAtt': ['Bus', 'Arn'] }),
      'arn:aws:events:us-east-1:000000000000:event-bus/payments',
    );
    assert.equal(resolveValue(ctx, { Ref: 'Bus' }), 'payments');
    assert.equal(resolveValue(ctx, { Ref: 'RiskRule' }), 'payments|RiskRule');
  });

  it('reads the SQS event source mappings', () => {
    assert.deepEqual(sqsMappings(template), [
      {
        logicalId: 'RiskMapping',
        functionLogicalId: 'RiskFunction',
        queueLogicalId: 'RiskQueue',
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: true,
        filters: [],
        maximumConcurrency: 3,
      },
    ]);
  });

  it('refuses at start-up a rule whose target is not an SQS queue, naming the rule', () => {
    const bad: CfnTemplate = {
      Resources: {
        ...template.Resources,
        LambdaRule: {
          Type: 'AWS::Events::Rule',
          Properties: {
            EventBusName: { Ref: 'Bus' },
            EventPattern: { source: ['payments'] },
            Targets: [{ Arn: { 'Fn::GetAtt': ['RiskFunction', 'Arn'] }, Id: 'Target0' }],
          },
        },
      },
    };
    const badCtx = { ...ctx, template: bad };
    assert.throws(
      () => eventRules(bad, badCtx, eventBuses(bad, badCtx), broker, log),
      /rule LambdaRule: target Target0 .* only SQS targets/,
    );
  });

  it('refuses at start-up a rule with an unsupported pattern operator', () => {
    const bad: CfnTemplate = {
      Resources: {
        ...template.Resources,
        RiskRule: {
          Type: 'AWS::Events::Rule',
          Properties: {
            EventBusName: { Ref: 'Bus' },
            EventPattern: { detail: { ip: [{ cidr: '10.0.0.0/24' }] } },
            Targets: [],
          },
        },
      },
    };
    const badCtx = { ...ctx, template: bad };
    assert.throws(
      () => eventRules(bad, badCtx, eventBuses(bad, badCtx), broker, log),
      /rule RiskRule: event pattern: unsupported matcher cidr/,
    );
  });
});

describe('local EventBridge PutEvents', () => {
  it('accepts entries, answers their EventIds and routes them by the rules to the queues', async () => {
    // Act
    const out = await events.send(
      new PutEventsCommand({
        Entries: [entry('PaymentCreated'), entry('PaymentSucceeded'), entry('RefundFailed')],
      }),
    );

    // Assess
    assert.equal(out.FailedEntryCount, 0);
    assert.equal(out.Entries?.length, 3);
    assert.ok(out.Entries?.every((e) => typeof e.EventId === 'string' && !e.ErrorCode));
    assert.deepEqual(
      bodies('RiskQueue').map((e) => e['detail-type']),
      ['PaymentCreated', 'PaymentSucceeded'],
    );
    assert.deepEqual(
      bodies('recon').map((e) => e['detail-type']),
      ['PaymentSucceeded', 'RefundFailed'],
    );
  });

  it('delivers the EventBridge envelope as the message body', async () => {
    const time = new Date('2026-03-01T10:20:30.456Z');
    const out = await events.send(
      new PutEventsCommand({
        Entries: [{ ...entry('PaymentCreated', { eventId: 'evt_1' }), Time: time, Resources: ['pay_1'] }],
      }),
    );
    const [event] = bodies('RiskQueue');
    assert.deepEqual(event, {
      version: '0',
      id: out.Entries?.[0]?.EventId,
      'detail-type': 'PaymentCreated',
      source: 'payments',
      account: '000000000000',
      time: '2026-03-01T10:20:30Z',
      region: 'us-east-1',
      resources: ['pay_1'],
      detail: { eventId: 'evt_1' },
    });
    assert.equal(bridge.archived.get('BusArchive')?.at(-1)?.id, out.Entries?.[0]?.EventId);
  });

  it('keeps only the latest events of an archive in memory (ARCHIVED_IN_MEMORY)', async () => {
    // Prepare
    const sent: string[] = [];

    // Act
    for (let i = 0; i < (2 * ARCHIVED_IN_MEMORY) / 10 + 10; i += 1) {
      const out = await events.send(
        new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => entry('ArchiveOnly')) }),
      );
      sent.push(...(out.Entries ?? []).map((e) => e.EventId as string));
    }

    // Assess
    const kept = bridge.archived.get('BusArchive') ?? [];
    assert.ok(kept.length >= ARCHIVED_IN_MEMORY && kept.length < 2 * ARCHIVED_IN_MEMORY, `${kept.length}`);
    assert.deepEqual(
      kept.slice(-ARCHIVED_IN_MEMORY).map((e) => e.id),
      sent.slice(-ARCHIVED_IN_MEMORY),
    );
  });

  it('matches numeric and suffix conditions of a rule (AWS documented operators)', async () => {
    await events.send(new PutEventsCommand({ Entries: [entry('PaymentFailed', { data: { amount: 0 } })] }));
    assert.deepEqual(bodies('recon'), []);
  });

  it('fails entries one by one with the AWS error codes, in order', async () => {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'payments', DetailType: 'X', Detail: '{}' },
          { EventBusName: 'payments', Source: 'payments', Detail: '{}' },
          { EventBusName: 'payments', Source: 'payments', DetailType: 'X' },
          { EventBusName: 'payments', Source: 'payments', DetailType: 'X', Detail: 'not json' },
          { EventBusName: 'payments', Source: 'payments', DetailType: 'X', Detail: '[1,2]' },
          { EventBusName: 'nope', Source: 'payments', DetailType: 'X', Detail: '{}' },
          entry('PaymentCreated'),
        ],
      }),
    );
    assert.equal(out.FailedEntryCount, 6);
    assert.deepEqual(out.Entries?.slice(0, 6), [
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' },
    ]);
    assert.ok(out.Entries?.[6]?.EventId);
    assert.equal(bodies('RiskQueue').length, 1);
  });

  it('takes the bus by ARN and accepts events on the default bus (no rules there)', async () => {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            ...entry('PaymentCreated'),
            EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/payments',
          },
          { Source: 'payments', DetailType: 'PaymentCreated', Detail: '{}' },
        ],
      }),
    );
    assert.equal(out.FailedEntryCount, 0);
    assert.equal(bodies('RiskQueue').length, 1);
  });

  it('rejects more than 10 entries with a ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => entry('PaymentCreated'));
    await assert.rejects(events.send(new PutEventsCommand({ Entries: entries })), (error: Error) => {
      assert.equal(error.name, 'ValidationException');
      assert.match(error.message, /Member must have length less than or equal to 10/);
      return true;
    });
  });
});
