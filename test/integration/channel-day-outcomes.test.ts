/**
 * Core's `channel-day-outcomes` function on DynamoDB Local: a channel-day's applied outcomes, page by page
 * across its GSI3 shards. Paging returns every outcome of the day exactly once whatever the page size
 * (property), and none of another day or channel; reconciliation's reader (through the Lambda Invoke API,
 * as the run consumer calls it) reads what the table holds, fields and all; a cursor of another day is
 * refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import {
  type ChannelDayOutcomesAnswer,
  channelDayOutcomesAnswerSchema,
} from '../../shared/internal/channel-day-outcomes.js';
import { invokedExpectations } from '../../shared/reconciliation/expectations.js';
import { DynamoReconciliationStore } from '../../shared/store/dynamodb/reconciliation.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';
import { type FunctionStub, startFunctionStub } from '../support/function-stub.js';

const DAY = '2026-03-04';

let table: TestTable;
let stub: FunctionStub;
let handler: (event: unknown) => Promise<ChannelDayOutcomesAnswer>;

before(async () => {
  table = await startTestTable();
  setDynamoDbClient(table.client);
  process.env.TABLE_NAME = table.tableName;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../functions/internal/channel-day-outcomes.js'));
  stub = await startFunctionStub('ChannelDayOutcomes', (event) => handler(event));
});
after(async () => {
  setDynamoDbClient(undefined);
  await stub?.close();
  await table?.stop();
});

let n = 0;
/** `count` payments and refunds whose outcome core applied for `channel` on `day` (GSI3 keys, projection). */
async function outcomes(channel: string, day: string, count: number): Promise<string[]> {
  const refs: string[] = [];
  const items = Array.from({ length: count }, () => {
    n += 1;
    const type = n % 4 === 0 ? ('refund' as const) : ('payment' as const);
    const reference = `${type === 'payment' ? 'pay' : 're'}_${String(n).padStart(8, '0')}`;
    refs.push(reference);
    return {
      PK: `OBJ#${reference}`,
      SK: 'OBJ',
      ...keys.outcome(channel, day, type, reference),
      ...(n % 6 === 0 ? {} : { channelReference: `ch_${n}` }),
      amount: 500 + n,
      currency: 'USD',
      status: n % 5 === 0 ? 'failed' : 'succeeded',
    };
  });
  for (let i = 0; i < items.length; i += 25) {
    await table.client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table.tableName]: items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item) } })),
        },
      }),
    );
  }
  return refs;
}

describe('channel-day-outcomes (core) on DynamoDB Local', () => {
  it('pages through every outcome of the channel-day exactly once, whatever the page size', async () => {
    // Prepare: 150 outcomes of the day, and outcomes of the day before and of another channel
    const day = await outcomes('sandbox', DAY, 150);
    await outcomes('sandbox', '2026-03-03', 5);
    await outcomes('stripe', DAY, 5);

    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), async (limit) => {
        // Act
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const answer = await handler({
            channel: 'sandbox',
            date: DAY,
            limit,
            ...(cursor ? { cursor } : {}),
          });
          assert.ok(answer.items.length <= limit);
          z.parse(channelDayOutcomesAnswerSchema, answer);
          seen.push(...answer.items.map((i) => i.reference));
          cursor = answer.cursor ?? undefined;
        } while (cursor);

        // Assess
        assert.equal(seen.length, new Set(seen).size, 'an outcome came twice');
        assert.deepEqual([...seen].sort(), [...day].sort());
      }),
      { numRuns: 8 },
    );
  });

  it('answers what the table holds, through the Invoke API as the run reads it', async () => {
    // Prepare
    await outcomes('alipay', DAY, 30);
    const direct = [];
    for await (const e of new DynamoReconciliationStore(table).expectations('alipay', DAY)) direct.push(e);

    // Act
    const invoked = [];
    for await (const e of invokedExpectations(stub.arn)('alipay', DAY)) invoked.push(e);

    // Assess: the same outcomes, fields and all (a missing channel reference is null)
    const byRef = (a: { reference: string }, b: { reference: string }) =>
      a.reference.localeCompare(b.reference);
    assert.equal(invoked.length, 30);
    assert.deepEqual(invoked.sort(byRef), direct.sort(byRef));
    assert.ok(invoked.some((e) => e.channelReference === null) && invoked.some((e) => e.status === 'failed'));
  });

  it('refuses a cursor of another channel-day, and a malformed request', async () => {
    const first = await handler({ channel: 'sandbox', date: DAY, limit: 2 });
    assert.ok(first.cursor);
    await assert.rejects(handler({ channel: 'sandbox', date: '2026-03-03', cursor: first.cursor }), {
      name: 'InvalidCursorError',
    });
    await assert.rejects(handler({ channel: 'sandbox', date: '4 March' }));
    await assert.rejects(handler({ channel: 'sandbox', date: DAY, limit: 0 }));
  });
});
