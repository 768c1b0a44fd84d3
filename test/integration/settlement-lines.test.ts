/**
 * Core's `settlement-lines` function on DynamoDB Local: a merchant's line items of a window, page by page
 * across its GSI2 shards. Paging returns every item of the window exactly once whatever the page size
 * (property), leaves out other merchants, other windows and items without a success; settlement's reader
 * (through the Lambda Invoke API, as settle-merchant and the CSV call it) reads what the table holds; a
 * cursor that is not one of this read's is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import {
  type SettlementLinesAnswer,
  settlementLinesAnswerSchema,
} from '../../shared/internal/settlement-lines.js';
import { invokedLineItems } from '../../shared/settlement/line-items.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';
import { backOfficeKeys, keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';
import { type FunctionStub, startFunctionStub } from '../support/function-stub.js';

const DAY = '2026-03-04';
const FROM = `${DAY}T00:00:00.000Z`;
const TO = '2026-03-05T00:00:00.000Z';

let table: TestTable;
let stub: FunctionStub;
let handler: (event: unknown) => Promise<SettlementLinesAnswer>;

before(async () => {
  table = await startTestTable();
  setDynamoDbClient(table.client);
  process.env.TABLE_NAME = table.tableName;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../functions/internal/settlement-lines.js'));
  stub = await startFunctionStub('SettlementLines', (event) => handler(event));
});
after(async () => {
  setDynamoDbClient(undefined);
  await stub?.close();
  await table?.stop();
});

let n = 0;
/** Payments and refunds as core indexes them (GSI2 keys and projection), `succeeded` at the times given. */
async function lines(merchantId: string, times: readonly (string | null)[]): Promise<string[]> {
  const ids: string[] = [];
  const items = times.map((at) => {
    n += 1;
    const type = n % 5 === 0 ? ('refund' as const) : ('payment' as const);
    const id = `${type === 'payment' ? 'pay' : 're'}_${String(n).padStart(8, '0')}x${merchantId.length}`;
    if (at !== null) ids.push(id);
    return {
      PK: `OBJ#${id}`,
      SK: 'OBJ',
      GSI2PK: keys.settlementLines(merchantId, id),
      // Not succeeded (yet): no sort key, so not in the index.
      ...(at !== null ? { GSI2SK: backOfficeKeys.settlementLineSort(at, type, id) } : {}),
      amount: 100 + n,
      currency: n % 3 === 0 ? 'EUR' : 'USD',
      outcomeAt: at ?? FROM,
      ...(n % 7 === 0 ? {} : { channel: 'sandbox' }),
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
  return ids;
}

const timeOf = (i: number) => new Date(Date.parse(FROM) + i * 61_000).toISOString();

describe('settlement-lines (core) on DynamoDB Local', () => {
  it('pages through every line item of the window exactly once, whatever the page size', async () => {
    // Prepare: 150 line items of the day over the shards, and around them what no page may hold
    const m = 'm_pages';
    const inWindow = await lines(
      m,
      Array.from({ length: 150 }, (_, i) => timeOf(i)),
    );
    await lines(m, ['2026-03-03T23:59:59.999Z', TO, '2026-03-05T00:00:00.001Z', null]);
    await lines('m_other', [timeOf(3), timeOf(4)]);

    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), async (limit) => {
        // Act
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const answer = await handler({
            merchantId: m,
            from: FROM,
            to: TO,
            limit,
            ...(cursor ? { cursor } : {}),
          });
          assert.ok(answer.items.length <= limit);
          z.parse(settlementLinesAnswerSchema, answer);
          seen.push(...answer.items.map((i) => i.id));
          cursor = answer.cursor ?? undefined;
          pages += 1;
        } while (cursor);

        // Assess
        assert.equal(seen.length, new Set(seen).size, 'an item came twice');
        assert.deepEqual([...seen].sort(), [...inWindow].sort());
        assert.ok(pages >= Math.ceil(inWindow.length / limit));
      }),
      { numRuns: 8 },
    );
  });

  it('answers what the table holds, through the Invoke API as settlement reads it', async () => {
    // Prepare
    const m = 'm_invoke';
    await lines(
      m,
      Array.from({ length: 40 }, (_, i) => timeOf(i * 3)),
    );
    const direct = [];
    for await (const item of new DynamoSettlementStore(table).lineItems(m, [FROM, TO])) direct.push(item);

    // Act
    const invoked = [];
    for await (const item of invokedLineItems(stub.arn)(m, [FROM, TO])) invoked.push(item);

    // Assess: the same items, fields and all (amount, currency, occurredAt, channel when known)
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    assert.equal(invoked.length, 40);
    assert.deepEqual(invoked.sort(byId), direct.sort(byId));
    assert.ok(invoked.some((i) => i.channel === undefined) && invoked.some((i) => i.type === 'refund'));
  });

  it('answers an empty window with no page to follow, and asks nothing for it', async () => {
    const answer = await handler({ merchantId: 'm_pages', from: TO, to: FROM });
    assert.deepEqual(answer, { items: [], cursor: null });
    const none = [];
    for await (const item of invokedLineItems('arn:aws:lambda:us-east-1:000000000000:function:Nowhere')(
      'm_pages',
      [TO, TO],
    ))
      none.push(item);
    assert.deepEqual(none, []);
  });

  it('refuses a cursor it did not issue, or issued for another merchant', async () => {
    const first = await handler({ merchantId: 'm_pages', from: FROM, to: TO, limit: 2 });
    assert.ok(first.cursor);
    await assert.rejects(handler({ merchantId: 'm_other', from: FROM, to: TO, cursor: first.cursor }), {
      name: 'InvalidCursorError',
    });
    await assert.rejects(handler({ merchantId: 'm_pages', from: FROM, to: TO, cursor: 'bm90IG91cnM' }), {
      name: 'InvalidCursorError',
    });
    await assert.rejects(handler({ merchantId: 'm_pages', from: FROM, to: TO, limit: 100_000 }));
    await assert.rejects(handler({ from: FROM, to: TO }));
  });
});
