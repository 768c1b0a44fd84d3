/**
 * Local Step Functions through the real @aws-sdk/client-sfn: a settlement-shaped definition (Pass → Map
 * with MaxConcurrency 2 over lambda:invoke → a Task retried with backoff → events:putEvents → Succeed)
 * run with aws-local-stepfunctions against fake functions and a fake bus; the output, the retries and
 * their spacing, the events, the billed transitions, idempotent StartExecution, failures (Error/Cause as
 * Step Functions names them, with and without Catch), DynamoDB tasks, and the template side: definitions
 * resolved from a CDK-shaped `Fn::Join`, validated by asl-validator, unsupported resources refused.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { AwsJsonServer } from '../src/aws-json.js';
import { EventBridge } from '../src/eventbridge.js';
import type { FunctionSpec } from '../src/functions.js';
import { LambdaFunction } from '../src/lambda-runner.js';
import { createLogger } from '../src/log.js';
import type { ResolveContext } from '../src/resolve.js';
import { SqsBroker } from '../src/sqs.js';
import { StepFunctionsExecutor } from '../src/stepfunctions.js';
import { startStepFunctionsEndpoint } from '../src/stepfunctions-api.js';
import {
  type AslDefinition,
  type StateMachineConfig,
  stateMachineConfigs,
  stateMachineResolution,
  validateAsl,
} from '../src/stepfunctions-machines.js';
import type { LambdaOutcome, PutEventsEntry, TaskIntegrations } from '../src/stepfunctions-tasks.js';
import type { CfnTemplate } from '../src/template.js';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const machineArn = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
const log = createLogger({ quiet: true, write: () => undefined });

/** Retry waits run at 1/100 of the definition's: IntervalSeconds 1, BackoffRate 2 → 10 ms, then 20 ms. */
const TIME_SCALE = 0.01;

const SETTLEMENT: AslDefinition = {
  Comment: 'Settle each merchant, confirm, announce',
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Pass',
      Parameters: { 'runId.$': '$.runId', 'merchants.$': '$.merchants' },
      Next: 'EachMerchant',
    },
    EachMerchant: {
      Type: 'Map',
      ItemsPath: '$.merchants',
      MaxConcurrency: 2,
      ItemSelector: { 'merchantId.$': '$$.Map.Item.Value.id', 'amount.$': '$$.Map.Item.Value.amount' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'SettleMerchant',
        States: {
          SettleMerchant: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: fnArn('settle-merchant'), 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
      ResultPath: '$.settlements',
      Next: 'Confirm',
    },
    Confirm: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fnArn('flaky'), 'Payload.$': '$.runId' },
      Retry: [{ ErrorEquals: ['PspUnavailable'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
      ResultSelector: { 'confirmation.$': '$.Payload' },
      ResultPath: '$.confirm',
      Next: 'Announce',
    },
    Announce: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        Entries: [
          {
            EventBusName: 'payments',
            Source: 'payments.settlement',
            DetailType: 'SettlementCompleted',
            Detail: { 'runId.$': '$.runId', 'settlements.$': '$.settlements' },
          },
        ],
      },
      ResultPath: null,
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

/** A Task that always fails, with nothing to catch it: the execution fails with the function's error. */
const FAILING: AslDefinition = {
  StartAt: 'Reconcile',
  States: {
    Reconcile: { Type: 'Task', Resource: fnArn('boom'), End: true },
  },
};

/** The same failure caught, then DynamoDB tasks (a conditional write failing into a Catch). */
const CAUGHT: AslDefinition = {
  StartAt: 'Reconcile',
  States: {
    Reconcile: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'boom', Payload: {} },
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Record' }],
      Next: 'Record',
    },
    Record: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName: 'payments',
        Key: { PK: { 'S.$': '$$.Execution.Name' }, SK: { S: 'RUN' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'FAILED' } },
      },
      ResultSelector: { 'status.$': '$.Attributes.status.S' },
      ResultPath: '$.recorded',
      Next: 'RecordAgain',
    },
    RecordAgain: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: {
        TableName: 'payments',
        Item: { PK: { S: 'x' } },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
      Catch: [
        { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.duplicate', Next: 'End' },
      ],
      Next: 'End',
    },
    End: { Type: 'Pass', End: true },
  },
};

const machine = (name: string, definition: AslDefinition): StateMachineConfig => ({
  logicalId: name,
  name,
  arn: machineArn(name),
  type: 'STANDARD',
  definition,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  functionLogicalIds: [],
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local Step Functions', () => {
  let server: AwsJsonServer;
  let executor: StepFunctionsExecutor;
  let sfn: SFNClient;
  const calls: Array<{ name: string; payload: unknown; at: number }> = [];
  const events: PutEventsEntry[][] = [];
  const dynamoCalls: Array<{ command: string; input: unknown }> = [];
  const flakyFailures = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;

  const integrations: TaskIntegrations = {
    async invoke(name, payload): Promise<LambdaOutcome | undefined> {
      calls.push({ name, payload, at: performance.now() });
      switch (name) {
        case 'settle-merchant': {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(15);
          inFlight -= 1;
          const { merchantId, amount } = payload as { merchantId: string; amount: number };
          return { ok: true, payload: { merchantId, net: amount - 1 } };
        }
        case 'flaky': {
          // Fails twice per run, then succeeds.
          const runId = String(payload);
          const failures = flakyFailures.get(runId) ?? 0;
          if (failures < 2) {
            flakyFailures.set(runId, failures + 1);
            return { ok: false, error: { errorType: 'PspUnavailable', errorMessage: 'try again later' } };
          }
          return { ok: true, payload: `confirmed ${runId}` };
        }
        case 'boom':
          return {
            ok: false,
            error: {
              errorType: 'LedgerMismatch',
              errorMessage: 'ledger off by 3',
              stackTrace: ['at settle'],
            },
          };
        case 'slow':
          // Outlives the execution (StopExecution does not stop a running function): keep it from holding the process.
          await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
          return { ok: true, payload: null };
        case 'timeout':
          return {
            ok: false,
            error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' },
          };
        default:
          return undefined;
      }
    },
    putEvents(entries) {
      events.push(entries);
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
    },
    dynamodb: {
      async send(command: { constructor: { name: string }; input: unknown }) {
        dynamoCalls.push({ command: command.constructor.name, input: command.input });
        if (command.constructor.name === 'PutItemCommand') {
          throw Object.assign(new Error('The conditional request failed'), {
            name: 'ConditionalCheckFailedException',
            $metadata: { httpStatusCode: 400, requestId: 'req-1' },
          });
        }
        return { $metadata: { requestId: 'req-0' }, Attributes: { status: { S: 'FAILED' } } };
      },
    } as never,
  };

  before(async () => {
    executor = new StepFunctionsExecutor({
      machines: [
        machine('Settlement', SETTLEMENT),
        machine('Failing', FAILING),
        machine('Caught', CAUGHT),
        machine('Slow', {
          StartAt: 'Wait',
          States: { Wait: { Type: 'Task', Resource: fnArn('slow'), End: true } },
        }),
        machine('Broken', {
          StartAt: 'A',
          States: {
            A: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: 'timeout' },
              Next: 'B',
            },
            B: { Type: 'Task', Resource: fnArn('missing'), End: true },
          },
        }),
      ],
      integrations,
      log,
      timeScale: TIME_SCALE,
    });
    server = await startStepFunctionsEndpoint({ executor, log });
    sfn = new SFNClient({
      endpoint: server.url,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  after(async () => {
    executor.close();
    sfn.destroy();
    await server.close();
  });

  /** Polls DescribeExecution until the execution is closed, as the ops route would. */
  async function closed(executionArn: string): Promise<DescribeExecutionCommandOutput> {
    for (;;) {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (out.status !== 'RUNNING') return out;
      await sleep(10);
    }
  }

  const settlementInput = (runId: string, merchants: number) =>
    JSON.stringify({
      runId,
      merchants: Array.from({ length: merchants }, (_, i) => ({ id: `m${i + 1}`, amount: 100 * (i + 1) })),
    });

  it('runs the settlement definition: Map at MaxConcurrency 2, retries with backoff, the event', async () => {
    calls.length = 0;
    events.length = 0;
    maxInFlight = 0;
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn('Settlement'),
        name: 'run-2026-01-31',
        input: settlementInput('run-2026-01-31', 3),
      }),
    );
    assert.equal(
      started.executionArn,
      `arn:aws:states:${REGION}:${ACCOUNT}:execution:Settlement:run-2026-01-31`,
    );
    assert.ok(started.startDate instanceof Date);

    const out = await closed(started.executionArn as string);
    assert.equal(out.status, 'SUCCEEDED', out.cause ?? '');
    assert.ok(out.stopDate instanceof Date);
    assert.deepEqual(JSON.parse(out.output ?? ''), {
      runId: 'run-2026-01-31',
      merchants: [
        { id: 'm1', amount: 100 },
        { id: 'm2', amount: 200 },
        { id: 'm3', amount: 300 },
      ],
      settlements: [
        { merchantId: 'm1', net: 99 },
        { merchantId: 'm2', net: 199 },
        { merchantId: 'm3', net: 299 },
      ],
      confirm: { confirmation: 'confirmed run-2026-01-31' },
    });

    // The Map's items went to the function as their ItemSelector shaped them, never more than 2 at once.
    const settled = calls.filter((c) => c.name === 'settle-merchant').map((c) => c.payload);
    assert.deepEqual(
      settled.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        { merchantId: 'm1', amount: 100 },
        { merchantId: 'm2', amount: 200 },
        { merchantId: 'm3', amount: 300 },
      ],
    );
    assert.equal(maxInFlight, 2);

    // Confirm failed twice, then succeeded; the waits grew by the BackoffRate (10 ms, then 20 ms).
    const confirms = calls.filter((c) => c.name === 'flaky');
    assert.equal(confirms.length, 3);
    const [first, second, third] = confirms.map((c) => c.at) as [number, number, number];
    assert.ok(second - first >= 9, `first retry after ${second - first} ms`);
    assert.ok(third - second >= 19, `second retry after ${third - second} ms`);

    // One PutEvents entry, Detail as JSON text, the execution and machine ARNs appended to Resources.
    assert.equal(events.length, 1);
    const [entry] = events[0] ?? [];
    assert.equal(entry?.EventBusName, 'payments');
    assert.equal(entry?.Source, 'payments.settlement');
    assert.equal(entry?.DetailType, 'SettlementCompleted');
    assert.deepEqual(JSON.parse(entry?.Detail ?? ''), {
      runId: 'run-2026-01-31',
      settlements: [
        { merchantId: 'm1', net: 99 },
        { merchantId: 'm2', net: 199 },
        { merchantId: 'm3', net: 299 },
      ],
    });
    assert.deepEqual(entry?.Resources, [started.executionArn, machineArn('Settlement')]);

    // Transitions: Prepare, EachMerchant, 3 × SettleMerchant, Confirm + 2 retries, Announce, Done.
    assert.equal(executor.describeExecution(started.executionArn).stateTransitions, 10);
  });

  it('counts transitions per merchant, not per payment', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn('Settlement'),
        name: 'run-five-merchants',
        input: settlementInput('run-five-merchants', 5),
      }),
    );
    const record = await executor.describeExecution(started.executionArn).done;
    assert.equal(record.status, 'SUCCEEDED');
    assert.equal(record.stateTransitions, 12);
  });

  it('StartExecution is idempotent by name and input while the execution runs', async () => {
    const request = {
      stateMachineArn: machineArn('Settlement'),
      name: 'run-idempotent',
      input: settlementInput('run-idempotent', 2),
    };
    const first = await sfn.send(new StartExecutionCommand(request));
    const again = await sfn.send(new StartExecutionCommand(request));
    assert.equal(again.executionArn, first.executionArn);
    assert.equal(again.startDate?.getTime(), first.startDate?.getTime());

    await assert.rejects(
      sfn.send(new StartExecutionCommand({ ...request, input: settlementInput('run-idempotent', 3) })),
      (error: unknown) => error instanceof ExecutionAlreadyExists && /run-idempotent/.test(error.message),
    );
    await closed(first.executionArn as string);
    // Once closed, the name is taken even with the same input (as Step Functions does).
    await assert.rejects(sfn.send(new StartExecutionCommand(request)), ExecutionAlreadyExists);

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn('Settlement') }));
    assert.ok(listed.executions?.some((e) => e.name === 'run-idempotent' && e.status === 'SUCCEEDED'));
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn('Settlement'), statusFilter: 'RUNNING' }),
    );
    assert.deepEqual(running.executions, []);
  });

  it('reports a failed execution with the function error as Error and its payload as Cause', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn('Failing'),
        name: 'fails',
        input: '{"runId":"r"}',
      }),
    );
    const out = await closed(started.executionArn as string);
    assert.equal(out.status, 'FAILED');
    assert.equal(out.error, 'LedgerMismatch');
    assert.deepEqual(JSON.parse(out.cause ?? ''), {
      errorType: 'LedgerMismatch',
      errorMessage: 'ledger off by 3',
      trace: ['at settle'],
    });
    assert.equal(out.output, undefined);
    assert.equal(out.input, '{"runId":"r"}');
    assert.ok(out.stopDate instanceof Date);
    assert.equal(executor.describeExecution(started.executionArn).stateTransitions, 1);
  });

  it('lets Catch see the same Error/Cause, and runs DynamoDB tasks with their error names', async () => {
    dynamoCalls.length = 0;
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn('Caught'), name: 'caught' }),
    );
    const out = await closed(started.executionArn as string);
    assert.equal(out.status, 'SUCCEEDED', out.cause ?? '');
    const output = JSON.parse(out.output ?? '');
    assert.equal(output.failure.Error, 'LedgerMismatch');
    assert.equal(JSON.parse(output.failure.Cause).errorMessage, 'ledger off by 3');
    assert.deepEqual(output.recorded, { status: 'FAILED' });
    assert.equal(output.duplicate.Error, 'DynamoDB.ConditionalCheckFailedException');
    assert.match(
      output.duplicate.Cause,
      /The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400/,
    );
    assert.deepEqual(
      dynamoCalls.map((c) => c.command),
      ['UpdateItemCommand', 'PutItemCommand'],
    );
    assert.deepEqual((dynamoCalls[0]?.input as { Key?: unknown } | undefined)?.Key, {
      PK: { S: 'caught' },
      SK: { S: 'RUN' },
    });
  });

  it('names Lambda service failures as Step Functions does', async () => {
    const timedOut = executor.startExecution({ stateMachineArn: machineArn('Broken'), name: 'broken' });
    const record = await timedOut.done;
    assert.equal(record.status, 'FAILED');
    assert.equal(record.error, 'Lambda.Unknown');
    assert.match(record.cause ?? '', /Task timed out after 3.00 seconds/);

    const missing = new StepFunctionsExecutor({
      machines: [
        machine('Missing', {
          StartAt: 'B',
          States: { B: { Type: 'Task', Resource: fnArn('missing'), End: true } },
        }),
      ],
      integrations,
      log,
    });
    const failed = await missing.startExecution({ stateMachineArn: machineArn('Missing') }).done;
    assert.equal(failed.error, 'Lambda.ResourceNotFoundException');
    assert.match(
      failed.cause ?? '',
      /Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing/,
    );
  });

  it('logs the executions it aborts as the runtime stops as information, a failed one as an error', async () => {
    const logged: string[] = [];
    const capture = {
      ...log,
      info: (m: string) => logged.push(m),
      error: (m: string) => logged.push(`ERROR ${m}`),
    };
    const executor = new StepFunctionsExecutor({
      machines: [
        machine('Slow', {
          StartAt: 'Wait',
          States: { Wait: { Type: 'Task', Resource: fnArn('slow'), End: true } },
        }),
        machine('Missing', {
          StartAt: 'B',
          States: { B: { Type: 'Task', Resource: fnArn('missing'), End: true } },
        }),
      ],
      integrations,
      log: capture,
    });
    await executor.startExecution({ stateMachineArn: machineArn('Missing'), name: 'missing-one' }).done;
    const slow = executor.startExecution({ stateMachineArn: machineArn('Slow'), name: 'slow-at-stop' }).done;
    executor.close();
    assert.equal((await slow).status, 'ABORTED');
    assert.ok(
      logged.some((l) => /^ERROR execution missing-one FAILED/.test(l)),
      logged.join('\n'),
    );
    assert.ok(
      logged.some((l) => /^execution slow-at-stop ABORTED .*the local runtime stopped/.test(l)),
      logged.join('\n'),
    );
  });

  it('stops a running execution, and answers errors in the AWS JSON shape', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn('Slow'), name: 'slow-one' }),
    );
    await sfn.send(
      new StopExecutionCommand({
        executionArn: started.executionArn,
        error: 'Ops.Cancelled',
        cause: 'by hand',
      }),
    );
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    assert.equal(out.status, 'ABORTED');
    assert.equal(out.error, 'Ops.Cancelled');
    assert.equal(out.cause, 'by hand');

    await assert.rejects(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('Nope') })),
      StateMachineDoesNotExist,
    );
    await assert.rejects(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('Settlement'), name: 'bad name' })),
      { name: 'InvalidName' },
    );
    await assert.rejects(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('Settlement'), input: '{oops' })),
      { name: 'InvalidExecutionInput' },
    );
    await assert.rejects(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:Slow:none`,
        }),
      ),
      { name: 'ExecutionDoesNotExist' },
    );
    const raw = await fetch(server.url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AWSStepFunctions.SendTaskSuccess',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{}',
    });
    assert.equal(raw.status, 400);
    assert.equal(
      ((await raw.json()) as { __type: string }).__type,
      'com.amazonaws.sfn#UnknownOperationException',
    );
  });

  it('validates definitions with asl-validator', () => {
    for (const definition of [SETTLEMENT, FAILING, CAUGHT]) assert.deepEqual(validateAsl(definition), []);
    const broken = structuredClone(SETTLEMENT) as { States: Record<string, Record<string, unknown>> };
    (broken.States.Confirm as Record<string, unknown>).Next = 'Nowhere';
    const errors = validateAsl(broken);
    assert.ok(
      errors.some((e) => /Nowhere/.test(e)),
      errors.join('\n'),
    );
  });

  it('refuses what it cannot run, naming the state', () => {
    assert.throws(
      () =>
        new StepFunctionsExecutor({
          machines: [
            machine('Queue', {
              StartAt: 'Send',
              States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
            }),
          ],
          integrations,
          log,
        }),
      /state machine Queue, state Send: resource arn:aws:states:::sqs:sendMessage is not supported locally/,
    );
    assert.throws(
      () =>
        new StepFunctionsExecutor({
          machines: [
            machine('Jsonata', {
              QueryLanguage: 'JSONata',
              StartAt: 'P',
              States: { P: { Type: 'Pass', End: true } },
            }),
          ],
          integrations,
          log,
        }),
      /not supported locally: QueryLanguage JSONata/,
    );
  });
});

describe('local Step Functions wired as the runtime wires them', () => {
  const spec: FunctionSpec = {
    logicalId: 'Fixture',
    functionName: 'fixture',
    file: fileURLToPath(new URL('./fixtures/assembly/asset.fixture/index.mjs', import.meta.url)),
    exportName: 'handler',
    timeoutSeconds: 1,
    memorySize: 128,
    environment: { AWS_REGION: REGION },
  };
  const fixture = new LambdaFunction(spec, { log, invokedFunctionArn: fnArn('fixture') });
  after(() => fixture.close());
  const functions = new Map([[spec.functionName, fixture]]);
  const bridge = new EventBridge({
    region: REGION,
    accountId: ACCOUNT,
    buses: [
      { logicalId: 'Bus', name: 'payments', arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/payments` },
    ],
    rules: [],
    archives: [{ logicalId: 'Archive', name: 'all', busName: 'payments' }],
    broker: new SqsBroker({ region: REGION, accountId: ACCOUNT, queues: [] }),
    log,
  });
  const task = (action: string) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: fnArn('fixture'), Payload: { action } },
  });
  const definition: AslDefinition = {
    StartAt: 'Echo',
    States: {
      Echo: { ...task('echo'), ResultPath: '$.raw', Next: 'Throw' },
      Throw: {
        ...task('throw'),
        Retry: [{ ErrorEquals: ['TypeError'], IntervalSeconds: 1, MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['TypeError'], ResultPath: '$.thrown', Next: 'Sleep' }],
        Next: 'Sleep',
      },
      Sleep: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'fixture', Payload: { action: 'sleep', ms: 3_000 } },
        Catch: [{ ErrorEquals: ['Lambda.Unknown'], ResultPath: '$.timedOut', Next: 'Announce' }],
        Next: 'Announce',
      },
      Announce: {
        Type: 'Task',
        Resource: 'arn:aws:states:::events:putEvents',
        Parameters: {
          Entries: [
            {
              EventBusName: 'payments',
              Source: 'payments.settlement',
              DetailType: 'T',
              'Detail.$': '$.raw.Payload.echo',
            },
          ],
        },
        ResultPath: '$.announced',
        End: true,
      },
    },
  };

  it('routes lambda:invoke to the function runner and events:putEvents to the bus', async () => {
    assert.deepEqual(validateAsl(definition), []);
    const executor = new StepFunctionsExecutor({
      machines: [machine('Wired', definition)],
      integrations: {
        invoke: async (name, payload) => functions.get(name)?.invoke(payload),
        putEvents: (entries) => bridge.putEvents({ Entries: entries }),
      },
      log,
      timeScale: TIME_SCALE,
    });
    const record = await executor.startExecution({ stateMachineArn: machineArn('Wired'), name: 'wired' })
      .done;
    assert.equal(record.status, 'SUCCEEDED', record.cause ?? '');
    const output = JSON.parse(record.output ?? '');
    // lambda:invoke's result: the payload wrapped in the invocation's response.
    assert.deepEqual(output.raw.Payload.echo, { action: 'echo' });
    assert.equal(output.raw.StatusCode, 200);
    assert.equal(output.raw.ExecutedVersion, '$LATEST');
    assert.equal(output.raw.SdkHttpMetadata.HttpStatusCode, 200);
    // The function's own error name, retried once, then caught.
    assert.equal(output.thrown.Error, 'TypeError');
    assert.equal(JSON.parse(output.thrown.Cause).errorMessage, 'boom');
    // A function timeout is Lambda.Unknown, as Step Functions reports it.
    assert.equal(output.timedOut.Error, 'Lambda.Unknown');
    assert.match(output.timedOut.Cause, /Task timed out after 1.00 seconds/);
    assert.equal(output.announced.FailedEntryCount, 0);
    assert.equal(output.announced.Entries.length, 1);
    const [archived] = bridge.archived.get('all') ?? [];
    assert.equal(archived?.id, output.announced.Entries[0].EventId);
    assert.deepEqual(archived?.detail, { action: 'echo' });
    assert.deepEqual(archived?.resources, [record.executionArn, machineArn('Wired')]);
    // Echo, Throw + 1 retry, Sleep, Announce.
    assert.equal(record.stateTransitions, 5);
  });
});

describe('stateMachineConfigs', () => {
  /** What CDK synthesizes for a LambdaInvoke in a Map, a DynamoUpdateItem and an EventBridgePutEvents. */
  const template: CfnTemplate = {
    Resources: {
      SettleFn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'payments-settle-merchant' } },
      OtherFn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'payments' } },
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'payments' } },
      Settlement: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          RoleArn: { 'Fn::GetAtt': ['SettlementRole', 'Arn'] },
          DefinitionString: {
            'Fn::Join': [
              '',
              [
                '{"StartAt":"EachMerchant","States":{"EachMerchant":{"Type":"Map","Next":"Mark","ItemsPath":"$.merchants","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Settle","States":{"Settle":{"End":true,"Retry":[{"ErrorEquals":["Lambda.ServiceException"],"IntervalSeconds":2,"MaxAttempts":6,"BackoffRate":2}],"Type":"Task","OutputPath":"$.Payload","Resource":"arn:',
                { Ref: 'AWS::Partition' },
                ':states:::lambda:invoke","Parameters":{"FunctionName":"',
                { 'Fn::GetAtt': ['SettleFn', 'Arn'] },
                '","Payload.$":"$"}}}},"MaxConcurrency":2},"Mark":{"Next":"Announce","Type":"Task","ResultPath":null,"Resource":"arn:',
                { Ref: 'AWS::Partition' },
                ':states:::dynamodb:updateItem","Parameters":{"Key":{"PK":{"S.$":"$$.Execution.Name"}},"TableName":"',
                { Ref: 'Table' },
                '","UpdateExpression":"SET #s = :s","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":s":{"S":"DONE"}}}},"Announce":{"End":true,"Type":"Task","Resource":"arn:',
                { Ref: 'AWS::Partition' },
                ':states:::events:putEvents","Parameters":{"Entries":[{"Detail.$":"$","DetailType":"SettlementCompleted","EventBusName":"',
                { 'Fn::GetAtt': ['Bus', 'Arn'] },
                '","Source":"payments.settlement"}]}}},"TimeoutSeconds":3600}',
              ],
            ],
          },
        },
      },
    },
  };
  const ctx: ResolveContext = {
    template,
    region: REGION,
    accountId: ACCOUNT,
    stackName: 'Payments',
    secrets: {},
  };

  it('resolves the definition, names the machine and the functions it invokes', () => {
    const [config, ...rest] = stateMachineConfigs(template, ctx);
    assert.equal(rest.length, 0);
    assert.equal(config?.logicalId, 'Settlement');
    assert.equal(config?.name, 'Settlement');
    assert.equal(config?.arn, machineArn('Settlement'));
    assert.equal(config?.type, 'STANDARD');
    assert.equal(config?.roleArn, `arn:aws:iam::${ACCOUNT}:role/SettlementRole`);
    assert.deepEqual(config?.functionLogicalIds, ['SettleFn']);
    const states = config?.definition.States as Record<string, Record<string, any>>;
    const settle = states.EachMerchant?.ItemProcessor.States.Settle;
    assert.equal(settle.Resource, 'arn:aws:states:::lambda:invoke');
    assert.equal(settle.Parameters.FunctionName, fnArn('payments-settle-merchant'));
    assert.equal(states.Mark?.Parameters.TableName, 'payments');
    assert.equal(
      states.Announce?.Parameters.Entries[0].EventBusName,
      `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/payments`,
    );
    assert.equal(config?.definition.TimeoutSeconds, 3600);
  });

  it('gives the resolver the machine ARN (Ref) and its Arn and Name attributes', () => {
    const resolution = stateMachineResolution(stateMachineConfigs(template, ctx));
    assert.deepEqual(resolution, {
      refs: { Settlement: machineArn('Settlement') },
      attributes: { 'Settlement.Arn': machineArn('Settlement'), 'Settlement.Name': 'Settlement' },
    });
  });

  it('refuses an invalid definition at start-up', () => {
    const bad: CfnTemplate = {
      Resources: {
        M: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: { DefinitionString: '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}' },
        },
      },
    };
    assert.throws(
      () => stateMachineConfigs(bad, { ...ctx, template: bad }),
      /state machine M: invalid definition/,
    );
  });
});
