/**
 * Requests first: a poller's wait for a quiet moment ends once no request has been in flight for the
 * quiet time, or at its bound under sustained requests, never while one is served; an SQS poller
 * receives nothing while it waits, so a message never spends its visibility timeout waiting here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InvokeResult } from '../src/lambda-runner.js';
import { createLogger } from '../src/log.js';
import { RequestGate, requestGate } from '../src/request-gate.js';
import { SqsBroker } from '../src/sqs.js';
import { SqsPoller } from '../src/sqs-poller.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request served until `release` is called. */
function heldRequest(gate: RequestGate) {
  let release: () => void = () => undefined;
  const done = gate.serve(() => new Promise<void>((resolve) => (release = resolve)));
  return { release: () => release(), done };
}

describe('request gate', () => {
  it('lets a poller through at once when no request is in flight', async () => {
    // Prepare
    const gate = new RequestGate(10_000);

    // Act
    const started = performance.now();
    await gate.quiet();

    // Assess
    assert.ok(performance.now() - started < 50);
  });

  it('holds a poller while a request is served and lets it go when the last one ends', async () => {
    // Prepare
    const gate = new RequestGate(10_000);
    const first = heldRequest(gate);
    const second = heldRequest(gate);
    let through = false;
    const waiting = gate.quiet().then(() => {
      through = true;
    });

    // Act
    await sleep(30);
    const whileBothRun = through;
    first.release();
    await first.done;
    await sleep(30);
    const whileOneRuns = through;
    second.release();
    await second.done;
    await waiting;

    // Assess
    assert.equal(whileBothRun, false);
    assert.equal(whileOneRuns, false);
    assert.equal(through, true);
    assert.equal(gate.busy, 0);
  });

  it('keeps a poller waiting when the next request follows the last within the quiet time', async () => {
    // Prepare
    const gate = new RequestGate(10_000, 50);
    let through = false;
    const first = heldRequest(gate);
    const waiting = gate.quiet().then(() => {
      through = true;
    });

    // Act: back-to-back requests, as a load test sends them, then a pause.
    first.release();
    await first.done;
    const second = heldRequest(gate);
    await sleep(80);
    const whileBackToBack = through;
    second.release();
    await second.done;
    const pauseStarted = performance.now();
    await waiting;
    const afterPause = performance.now() - pauseStarted;

    // Assess
    assert.equal(whileBackToBack, false);
    assert.ok(afterPause >= 40, `let through ${afterPause} ms into the pause`);
  });

  it('lets a poller go after its bound under sustained requests, and counts a failed request out', async () => {
    // Prepare
    const gate = new RequestGate(100);
    const held = heldRequest(gate);
    const failed = gate.serve(async () => {
      throw new Error('boom');
    });

    // Act
    await assert.rejects(failed, /boom/);
    const started = performance.now();
    await gate.quiet();
    const waited = performance.now() - started;
    held.release();
    await held.done;

    // Assess
    assert.ok(waited >= 90 && waited < 1_000, `waited ${waited} ms`);
    assert.equal(gate.busy, 0);
  });

  it('never waits with a bound of 0 (LOCAL_BACKGROUND_DEFER_MS=0)', async () => {
    // Prepare
    const before = process.env.LOCAL_BACKGROUND_DEFER_MS;
    process.env.LOCAL_BACKGROUND_DEFER_MS = '0';
    const gate = requestGate();
    if (before === undefined) delete process.env.LOCAL_BACKGROUND_DEFER_MS;
    else process.env.LOCAL_BACKGROUND_DEFER_MS = before;
    const held = heldRequest(gate);

    // Act
    const started = performance.now();
    await gate.quiet();
    const waited = performance.now() - started;
    held.release();
    await held.done;

    // Assess
    assert.equal(gate.maxDeferMs, 0);
    assert.ok(waited < 50);
  });

  it('keeps an SQS poller from receiving while requests are served', async () => {
    // Prepare
    const gate = new RequestGate(10_000);
    const broker = new SqsBroker({
      region: 'us-east-1',
      accountId: '000000000000',
      queues: [
        {
          logicalId: 'Work',
          name: 'Work',
          visibilityTimeout: 1,
          messageRetentionPeriod: 345_600,
          delaySeconds: 0,
          receiveMessageWaitTimeSeconds: 0,
          maximumMessageSize: 1_048_576,
          sqsManagedSseEnabled: true,
        },
      ],
    });
    broker.setEndpoint('http://127.0.0.1:1');
    const work = broker.queueByName('Work');
    assert.ok(work);
    const invoked: number[] = [];
    const held = heldRequest(gate);
    const poller = new SqsPoller({
      broker,
      queue: work,
      mapping: {
        logicalId: 'Mapping',
        functionLogicalId: 'Fn',
        queueLogicalId: 'Work',
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: false,
        filters: [],
        maximumConcurrency: 1,
      },
      region: 'us-east-1',
      invoke: async (event): Promise<InvokeResult> => {
        invoked.push(event.Records.length);
        return { ok: true, payload: null, requestId: 'r', durationMs: 1 };
      },
      log: createLogger({ quiet: true }),
      waitTimeSeconds: 1,
      gate,
    });
    poller.start();
    try {
      // Act
      broker.send(work, { body: '{}' });
      await sleep(300);
      const duringRequest = { invoked: invoked.length, visible: broker.peek(work).length };
      held.release();
      await held.done;
      const deadline = Date.now() + 5_000;
      while (invoked.length === 0 && Date.now() < deadline) await sleep(20);

      // Assess
      assert.deepEqual(duringRequest, { invoked: 0, visible: 1 });
      assert.deepEqual(invoked, [1]);
    } finally {
      await poller.stop();
      broker.stop();
    }
  });
});
