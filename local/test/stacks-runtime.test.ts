/**
 * The runtime on a multi-stack assembly (fixtures/stacks: a foundation with the table, bus and HTTP
 * API; a core and a risk service finding them through SSM parameters, invoked through aliases), whole
 * and with `--only`. Starts DynamoDB Local (Java) for each runtime.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EMPTY_CONFIG } from '../src/config.js';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../src/runtime.js';

const assemblyDir = fileURLToPath(new URL('./fixtures/stacks/', import.meta.url));
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function';

function start(options: Partial<LocalRuntimeOptions> = {}): Promise<LocalRuntime> {
  return startLocalRuntime({
    assemblyDir,
    synth: false,
    port: 0,
    quiet: true,
    config: { ...EMPTY_CONFIG, name: 'Stacks' },
    maxBatchingWindowSeconds: 0,
    logSubscriptions: { batchWindowMs: 50 },
    ...options,
  });
}

async function call(runtime: LocalRuntime, method: string, path: string, body?: unknown) {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls until `check` answers something, for at most 15 s. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the local runtime on a multi-stack assembly', () => {
  const started: LocalRuntime[] = [];
  after(async () => {
    for (const r of started) await r.stop();
  });

  it('runs every stack: a route of one service on the foundation API, an event to another service', async () => {
    // Prepare
    const runtime = await start();
    started.push(runtime);
    // Act
    const created = await call(runtime, 'POST', '/v1/things', { id: 'thing-1' });
    // Assess: the core function sees the foundation's table and bus through SSM, its own stack name.
    assert.equal(created.status, 202);
    assert.deepEqual(created.body, {
      stack: 'Payments-Core-dev',
      version: '1',
      table: 'Table',
      bus: 'Bus',
      self: `${LAMBDA}:Payments-Core-Handler:live`,
    });
    assert.deepEqual(runtime.stacks, ['Payments-Foundation', 'Payments-Risk', 'Payments-Core']);
    // Bus (foundation) → rule and queue (risk) → the risk function through its alias → the table.
    const assessed = await eventually(async () => {
      const got = await call(runtime, 'GET', '/v1/things/thing-1');
      return got.status === 200 ? got.body : undefined;
    });
    assert.deepEqual(assessed, { by: 'Payments-Risk-dev:Payments-Risk-Handler' });
    const risk = await call(runtime, 'GET', '/v1/risk/thing-1');
    assert.deepEqual(risk, { status: 200, body: { stack: 'Payments-Risk-dev:Payments-Risk-Handler' } });
    // A state machine task invoking the function by its alias ARN.
    const execution = runtime.stepFunctions.startExecution({
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Review',
      input: '{"id":"thing-1"}',
    });
    const ended = await eventually(async () => {
      const e = runtime.stepFunctions.describeExecution(execution.executionArn);
      return e.status === 'RUNNING' ? undefined : e;
    });
    assert.equal(ended.status, 'SUCCEEDED', ended.cause ?? '');
    assert.deepEqual(JSON.parse(ended.output ?? ''), { id: 'thing-1' });
    await runtime.stop();
  });

  it('with --only runs one service against the others’ resources; their routes answer 404', async () => {
    // Prepare
    const runtime = await start({ only: ['Payments-Risk-dev'] });
    started.push(runtime);
    const events = new EventBridgeClient({
      endpoint: runtime.eventBridgeEndpoint,
      region: 'us-east-1',
      credentials,
    });
    const db = new DynamoDBClient({ endpoint: runtime.dynamoEndpoint, region: 'us-east-1', credentials });
    // Act
    const core = await call(runtime, 'GET', '/v1/things/thing-2');
    const risk = await call(runtime, 'GET', '/v1/risk/thing-2');
    await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'Bus', Source: 'core', DetailType: 'ThingCreated', Detail: '{"id":"thing-2"}' },
        ],
      }),
    );
    // Assess
    assert.deepEqual(runtime.stacks, ['Payments-Foundation', 'Payments-Risk']);
    assert.deepEqual(core, { status: 404, body: { message: 'Not Found' } });
    assert.equal(risk.status, 200);
    const item = await eventually(async () => {
      const got = await db.send(
        new GetItemCommand({ TableName: 'Table', Key: { PK: { S: 'THING#thing-2' }, SK: { S: 'RISK' } } }),
      );
      return got.Item;
    });
    assert.equal(item.by?.S, 'Payments-Risk-dev:Payments-Risk-Handler');
    events.destroy();
    db.destroy();
    await runtime.stop();
  });

  it('refuses an --only naming no stack of the assembly, listing them', async () => {
    await assert.rejects(
      start({ only: ['Payments-Nope'] }),
      /--only Payments-Nope: no such stack in the assembly \(stacks: Payments-Foundation, Payments-Risk, Payments-Core\)/,
    );
  });
});
