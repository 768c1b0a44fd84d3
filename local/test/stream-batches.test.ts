import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BatchPolicy, deliverRecords, firstFailure } from '../src/stream-batches.js';
import type { LambdaStreamRecord } from '../src/stream-event.js';

const records = (n: number): LambdaStreamRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    eventID: `e${i}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: { SequenceNumber: String(100 + i) },
    eventSourceARN: 'arn',
  }));

const policy: BatchPolicy = {
  batchSize: 10,
  reportBatchItemFailures: true,
  maximumRetryAttempts: 2,
  bisectBatchOnFunctionError: false,
};

function harness() {
  const discarded: string[][] = [];
  return {
    discarded,
    hooks: {
      onDiscard: (rs: readonly LambdaStreamRecord[]) =>
        discarded.push(rs.map((r) => r.dynamodb.SequenceNumber)),
      sleep: async () => undefined,
      stopped: () => false,
    },
  };
}
const seqs = (rs: readonly LambdaStreamRecord[]) => rs.map((r) => r.dynamodb.SequenceNumber);

describe('stream batch delivery', () => {
  it('delivers in order, in batches of at most BatchSize', async () => {
    const batches: string[][] = [];
    const h = harness();
    await deliverRecords(
      records(25),
      policy,
      async (b) => {
        batches.push(seqs(b));
        return { ok: true, payload: null };
      },
      h.hooks,
    );
    assert.deepEqual(
      batches.map((b) => b.length),
      [10, 10, 5],
    );
    assert.deepEqual(batches.flat(), seqs(records(25)));
  });

  it('retries from the first reported item failure', async () => {
    const batches: string[][] = [];
    let first = true;
    const h = harness();
    await deliverRecords(
      records(5),
      policy,
      async (b) => {
        batches.push(seqs(b));
        if (first) {
          first = false;
          return {
            ok: true,
            payload: { batchItemFailures: [{ itemIdentifier: '103' }, { itemIdentifier: '102' }] },
          };
        }
        return { ok: true, payload: { batchItemFailures: [] } };
      },
      h.hooks,
    );
    assert.deepEqual(batches, [
      ['100', '101', '102', '103', '104'],
      ['102', '103', '104'],
    ]);
    assert.deepEqual(h.discarded, []);
  });

  it('treats an unknown item identifier as a failure of the whole batch', () => {
    const rs = records(3);
    assert.equal(
      firstFailure(rs, { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'x' }] } }, true),
      0,
    );
    assert.equal(
      firstFailure(rs, { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '' }] } }, true),
      0,
    );
    assert.equal(firstFailure(rs, { ok: true, payload: { batchItemFailures: [] } }, true), -1);
    assert.equal(firstFailure(rs, { ok: true, payload: null }, true), -1);
    assert.equal(
      firstFailure(rs, { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '101' }] } }, false),
      -1,
    );
    assert.equal(firstFailure(rs, { ok: false }, true), 0);
  });

  it('gives up after MaximumRetryAttempts and moves on to the next records', async () => {
    const batches: string[][] = [];
    const h = harness();
    await deliverRecords(
      records(3),
      { ...policy, batchSize: 1 },
      async (b) => {
        batches.push(seqs(b));
        return b[0]?.dynamodb.SequenceNumber === '101'
          ? { ok: false, error: 'boom' }
          : { ok: true, payload: null };
      },
      h.hooks,
    );
    // One attempt plus two retries for 101, then 102 goes on.
    assert.deepEqual(batches, [['100'], ['101'], ['101'], ['101'], ['102']]);
    assert.deepEqual(h.discarded, [['101']]);
  });

  it('halves a failing batch with BisectBatchOnFunctionError until the bad record stands alone', async () => {
    const batches: string[][] = [];
    const h = harness();
    await deliverRecords(
      records(8),
      {
        ...policy,
        batchSize: 8,
        reportBatchItemFailures: false,
        maximumRetryAttempts: 0,
        bisectBatchOnFunctionError: true,
      },
      async (b) => {
        batches.push(seqs(b));
        return seqs(b).includes('105') ? { ok: false, error: 'poison' } : { ok: true, payload: null };
      },
      h.hooks,
    );
    assert.deepEqual(h.discarded, [['105']]);
    assert.deepEqual(batches[0]?.length, 8);
    assert.ok(batches.every((b) => !b.includes('105') || b.length <= 8));
    const delivered = batches.filter((b) => !b.includes('105')).flat();
    assert.deepEqual(delivered, ['100', '101', '102', '103', '104', '106', '107']);
  });

  it('reports progress after each processed batch, never past a record not yet processed', async () => {
    // Prepare: the second batch fails at its 4th record once, then the runtime stops during the retry
    const progress: string[] = [];
    let calls = 0;
    let stopping = false;
    const hooks = {
      ...harness().hooks,
      stopped: () => stopping,
      onProgress: (r: LambdaStreamRecord) => progress.push(r.dynamodb.SequenceNumber),
    };

    // Act
    await deliverRecords(
      records(25),
      policy,
      async () => {
        calls += 1;
        if (calls === 2) return { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '113' }] } };
        if (calls === 3) {
          stopping = true;
          return { ok: false, error: new Error('the function was stopped') };
        }
        return { ok: true, payload: null };
      },
      hooks,
    );

    // Assess: 100-109 done, then 110-112; nothing from the interrupted retry
    assert.deepEqual(progress, ['109', '112']);
  });
});
