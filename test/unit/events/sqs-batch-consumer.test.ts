import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import { sqsBatchConsumer } from '../../../shared/events/batch.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const event = (bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;

const parse = (record: { body: string }) => {
  if (record.body === 'bad') throw new Error('unreadable');
  return record.body === 'skip' ? undefined : record.body;
};

describe('sqsBatchConsumer', () => {
  it('hands every readable record to one call, and reports only the unreadable ones', async () => {
    // Prepare
    const calls: (readonly string[])[] = [];
    const consumer = sqsBatchConsumer({ name: 't', parse, handleAll: async (items) => calls.push(items) });
    // Act
    const answer = await consumer(event(['a', 'bad', 'skip', 'b']));
    // Assess
    assert.deepEqual(calls, [['a', 'b']]);
    assert.deepEqual(answer.batchItemFailures, [{ itemIdentifier: 'm1' }]);
  });

  it('reports every record the failed call covered', async () => {
    const consumer = sqsBatchConsumer({
      name: 't',
      parse,
      handleAll: async () => {
        throw new Error('store down');
      },
    });
    const answer = await consumer(event(['a', 'skip', 'b']));
    assert.deepEqual(answer.batchItemFailures, [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm2' }]);
  });

  it('makes no call for a batch with nothing to handle', async () => {
    let called = false;
    const consumer = sqsBatchConsumer({ name: 't', parse, handleAll: async () => (called = true) });
    assert.deepEqual((await consumer(event(['skip']))).batchItemFailures, []);
    assert.equal(called, false);
  });
});
