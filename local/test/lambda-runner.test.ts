import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FunctionSpec } from '../src/functions.js';
import { LambdaFunction, type LambdaRunnerOptions, workerExecArgv } from '../src/lambda-runner.js';
import type { Logger } from '../src/log.js';
import { LocalMetering } from '../src/metering.js';

const file = fileURLToPath(new URL('./fixtures/assembly/asset.fixture/index.mjs', import.meta.url));
const lines: string[] = [];
const log: Logger = {
  info: (m) => lines.push(m),
  error: (m) => lines.push(`ERROR ${m}`),
  fn: () => undefined,
};

function fn(
  overrides: Partial<FunctionSpec> = {},
  options: Partial<LambdaRunnerOptions> = {},
): LambdaFunction {
  const spec: FunctionSpec = {
    logicalId: 'Fixture',
    functionName: 'fixture',
    file,
    exportName: 'handler',
    timeoutSeconds: 2,
    memorySize: 128,
    environment: { TABLE_NAME: 'T1', AWS_LAMBDA_FUNCTION_NAME: 'fixture', AWS_REGION: 'us-east-1' },
    ...overrides,
  };
  const f = new LambdaFunction(spec, {
    log,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fixture',
    ...options,
  });
  opened.push(f);
  return f;
}
const opened: LambdaFunction[] = [];
after(() => Promise.all(opened.map((f) => f.close())));

describe('Lambda runner', () => {
  it("runs the handler with the function's own environment, isolated from the runtime's", async () => {
    const r = await fn().invoke({ action: 'env' });
    assert.deepEqual(r.ok && r.payload, { TABLE_NAME: 'T1', FN: 'fixture', region: 'us-east-1' });
    assert.equal(process.env.TABLE_NAME, undefined);
  });

  it('keeps one environment warm between invocations and logs the cold start once', async () => {
    const f = fn();
    const a = await f.invoke({ action: 'echo' });
    const b = await f.invoke({ action: 'echo' });
    assert.ok(a.ok && b.ok);
    if (a.ok && b.ok) {
      assert.equal((b.payload as { invocations: number }).invocations, 2);
      assert.equal(
        (a.payload as { loadedAt: number }).loadedAt,
        (b.payload as { loadedAt: number }).loadedAt,
      );
    }
  });

  it('logs an invocation cut short by close() as stopped, not as an error; a crash stays an error', async () => {
    const f = fn();
    const crashed = await f.invoke({ action: 'crash' }, 'req-crash');
    assert.equal(crashed.ok, false);
    assert.ok(lines.some((l) => l.startsWith('ERROR Fixture req-crash: Runtime.')));
    const sleeping = f.invoke({ action: 'sleep', ms: 1_000 }, 'req-stopped');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await f.close();
    const stopped = await sleeping;
    assert.equal(!stopped.ok && stopped.error.errorType, 'Runtime.ExitError');
    assert.ok(lines.includes('Fixture req-stopped: stopped with the runtime'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('ERROR Fixture req-stopped')));
  });

  it('passes a Lambda-like context', async () => {
    const r = await fn().invoke({ action: 'context' }, 'req-1');
    assert.ok(r.ok);
    const c = r.ok
      ? (r.payload as { requestId: string; functionName: string; remaining: number })
      : undefined;
    assert.equal(c?.requestId, 'req-1');
    assert.equal(c?.functionName, 'fixture');
    assert.ok((c?.remaining ?? 0) > 1000 && (c?.remaining ?? 0) <= 2000);
  });

  it('gives each invocation a trace header in _X_AMZN_TRACE_ID, continuing the caller’s when given one', async () => {
    const metering = new LocalMetering();
    const f = fn({}, { metering });
    const traceOf = async (header?: string) => {
      const r = await f.invoke({ action: 'trace' }, undefined, header);
      assert.ok(r.ok);
      return (r.payload as { trace: string }).trace;
    };
    const own = await traceOf();
    assert.match(own, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    assert.notEqual(await traceOf(), own, 'a new trace each time');
    const upstream = 'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1';
    const continued = await traceOf(upstream);
    assert.match(continued, /^Root=1-67a1b2c3-0123456789abcdef01234567;Parent=[0-9a-f]{16};Sampled=1$/);
    assert.doesNotMatch(continued, /Parent=89abcdef01234567/, 'a segment of its own');
    assert.match(await traceOf('Sampled=1'), /^Root=1-[0-9a-f]{8}-/, 'a header without a root starts one');
    const tally = metering.snapshot().lambda.Fixture;
    assert.equal(tally?.invocations, 4);
    assert.equal(tally?.continuedTraces, 1);
  });

  it('reports a thrown error as an invocation error, and the function keeps serving', async () => {
    const f = fn();
    const r = await f.invoke({ action: 'throw' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual([r.error.errorType, r.error.errorMessage], ['TypeError', 'boom']);
    assert.equal((await f.invoke({ action: 'echo' })).ok, true);
  });

  it('times out after the template Timeout and discards the environment', async () => {
    const f = fn({ timeoutSeconds: 1 });
    const r = await f.invoke({ action: 'sleep', ms: 5000 });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.errorType, 'Sandbox.Timedout');
      assert.match(r.error.errorMessage, /Task timed out after 1.00 seconds/);
    }
    assert.equal((await f.invoke({ action: 'echo' })).ok, true);
  });

  it('survives an uncaught exception inside the handler', async () => {
    const f = fn();
    const r = await f.invoke({ action: 'crash' });
    assert.equal(r.ok, false);
    assert.equal((await f.invoke({ action: 'echo' })).ok, true);
  });

  it('runs concurrent invocations in separate environments', async () => {
    const f = fn({}, { maxConcurrency: 3 });
    const results = await Promise.all([1, 2, 3].map(() => f.invoke({ action: 'sleep', ms: 200 })));
    assert.ok(results.every((r) => r.ok && (r.payload as { invocations: number }).invocations === 1));
  });

  it('queues invocations beyond its environments, one at a time in each, keeping its state', async () => {
    const f = fn({}, { maxConcurrency: 1 });
    const results = await Promise.all([1, 2, 3].map(() => f.invoke({ action: 'sleep', ms: 50 })));
    const counts = results.map((r) => (r.ok ? (r.payload as { invocations: number }).invocations : 0));
    assert.deepEqual(
      counts.sort((a, b) => a - b),
      [1, 2, 3],
    );
  });

  it('reclaims an environment idle for longer than idleMs: the next invocation is a cold start', async () => {
    const f = fn({}, { idleMs: 100 });
    const first = await f.invoke({ action: 'sleep', ms: 1 });
    assert.equal(first.ok && (first.payload as { invocations: number }).invocations, 1);
    const warm = await f.invoke({ action: 'sleep', ms: 1 });
    assert.equal(warm.ok && (warm.payload as { invocations: number }).invocations, 2);
    await new Promise((r) => setTimeout(r, 300));
    const cold = await f.invoke({ action: 'sleep', ms: 1 });
    assert.equal(cold.ok && (cold.payload as { invocations: number }).invocations, 1);
  });

  it('reclaims a spare environment after spareIdleMs but keeps the last one until idleMs', async () => {
    const f = fn({}, { idleMs: 1_000, spareIdleMs: 100 });
    // Two at once: two environments.
    const burst = await Promise.all([1, 2].map(() => f.invoke({ action: 'sleep', ms: 100 })));
    assert.deepEqual(
      burst.map((r) => r.ok && (r.payload as { invocations: number }).invocations),
      [1, 1],
    );
    await new Promise((r) => setTimeout(r, 400));
    // Past the spare's time: one environment is left, warm, and the second call at once is a cold start.
    const after = await Promise.all([1, 2].map(() => f.invoke({ action: 'sleep', ms: 100 })));
    assert.deepEqual(
      after.map((r) => r.ok && (r.payload as { invocations: number }).invocations).sort(),
      [1, 2],
    );
    await new Promise((r) => setTimeout(r, 400));
    // The last one (either) stays warm past the spare's time: not a cold start.
    const warm = await f.invoke({ action: 'sleep', ms: 1 });
    assert.ok(warm.ok && (warm.payload as { invocations: number }).invocations >= 2);
    await new Promise((r) => setTimeout(r, 1_200));
    const cold = await f.invoke({ action: 'sleep', ms: 1 });
    assert.equal(cold.ok && (cold.payload as { invocations: number }).invocations, 1);
  });

  it("starts workers with the runtime's Node flags but not tsx's loader", () => {
    const argv = ['--import', 'tsx', '--cpu-prof', '--require=tsx/cjs', '--import', './other.js'];
    assert.deepEqual(workerExecArgv(argv), ['--cpu-prof', '--import', './other.js']);
  });

  it('reports a missing handler export as Runtime.HandlerNotFound', async () => {
    const r = await fn({ exportName: 'nope' }).invoke({});
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.errorType, 'Runtime.HandlerNotFound');
  });
});
