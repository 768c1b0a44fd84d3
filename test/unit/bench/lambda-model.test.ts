/** Lambda duration modelled from CPU time and calls: the CPU share of the memory, latencies, 1 ms billing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FunctionTally } from '../../../local/src/metering.js';
import { loadPrices } from '../../bench/cost.js';
import {
  callLatencyMs,
  lambdaModelOf,
  modelFunction,
  modelledInvocation,
  overlapShare,
} from '../../bench/lambda-model.js';

const model = {
  fullVcpuAtMb: 1769,
  latencyMs: {
    dynamodb: 10,
    'dynamodb.TransactWriteItems': 20,
    sqs: 30,
    eventbridge: 30,
    aws: 30,
    external: 100,
  },
};

describe('callLatencyMs', () => {
  it('prices an operation, then its service, then any AWS service, and non-AWS hosts apart', () => {
    assert.equal(callLatencyMs('dynamodb.TransactWriteItems', model), 20);
    assert.equal(callLatencyMs('dynamodb.GetItem', model), 10);
    assert.equal(callLatencyMs('sfn.StartExecution', model), 30);
    assert.equal(callLatencyMs('http 127.0.0.1:4010', model), 100);
  });
});

describe('modelledInvocation', () => {
  it('stretches CPU time below a full vCPU, adds the calls, and bills whole milliseconds', () => {
    const m = modelledInvocation(
      { cpuMs: 2, calls: { 'dynamodb.GetItem': 2, 'eventbridge.PutEvents': 1 } },
      512,
      model,
    );
    assert.ok(Math.abs(m.cpuMs - (2 * 1769) / 512) < 1e-9);
    assert.equal(m.waitMs, 50);
    assert.equal(m.billedMs, Math.ceil(50 + (2 * 1769) / 512));
  });

  it('prices overlapped calls at the share of their time one was in flight', () => {
    // Ten deliveries side by side: 1,000 ms of calls, 100 ms with one or more in flight.
    const batch = { cpuMs: 0, calls: { 'http 127.0.0.1:4010': 10 }, callMs: 1000, callBusyMs: 100 };
    assert.equal(modelledInvocation(batch, 1769, model).waitMs, 100);
    // One after the other, or not measured: every call's latency.
    assert.equal(overlapShare({ callMs: 40, callBusyMs: 40 }), 1);
    assert.equal(overlapShare({}), 1);
    assert.equal(overlapShare({ callMs: 0, callBusyMs: 0 }), 1);
  });

  it('does not speed up CPU time above 1,769 MB and bills at least 1 ms', () => {
    assert.equal(modelledInvocation({ cpuMs: 3, calls: {} }, 3008, model).cpuMs, 3);
    assert.equal(modelledInvocation({ cpuMs: 0.2, calls: {} }, 3008, model).billedMs, 1);
  });
});

describe('modelFunction', () => {
  it('sums the invocations and converts to GB-seconds at the memory', () => {
    const tally: FunctionTally = {
      invocations: 2,
      errors: 0,
      coldStarts: 0,
      durationMs: 999,
      billedMs: 1000,
      memoryMb: 1024,
      continuedTraces: 0,
      usage: [
        { cpuMs: 4.2, calls: { 'dynamodb.PutItem': 1 } },
        { cpuMs: 1.5, calls: { 'dynamodb.GetItem': 1, 'http example.com': 1 } },
      ],
    };
    const f = modelFunction(tally, model);
    assert.equal(f?.billedMs, Math.ceil((4.2 * 1769) / 1024 + 10) + Math.ceil((1.5 * 1769) / 1024 + 110));
    assert.deepEqual(f?.calls, { dynamodb: 2, external: 1 });
    assert.equal(f?.gbSeconds, (f?.billedMs ?? 0) / 1000);
  });

  it('has nothing to model without measured invocations', () => {
    const tally = {
      invocations: 1,
      errors: 0,
      coldStarts: 0,
      durationMs: 5,
      billedMs: 5,
      memoryMb: 512,
      continuedTraces: 0,
      usage: [],
    };
    assert.equal(modelFunction(tally, model), undefined);
  });
});

describe('the price file’s model assumptions', () => {
  it('holds the CPU share and a latency for each call type, with sources', () => {
    const file = loadPrices();
    const m = lambdaModelOf(file);
    assert.equal(m.fullVcpuAtMb, 1769);
    for (const type of ['dynamodb', 'sqs', 'eventbridge', 'aws', 'external'])
      assert.ok((m.latencyMs[type] ?? 0) > 0, type);
    for (const [k, a] of Object.entries(file.assumptions))
      if (k.startsWith('latencyMs.'))
        assert.ok(
          a.sources.every((s) => s.startsWith('https://')),
          k,
        );
  });
});
