/**
 * Risk's `held-payments` function on DynamoDB Local, called as Lambda calls it: the payments of a merchant
 * held out of settlement now (whatever holds them, each once; a released hold is not), page by page with
 * the answer's cursor, and the same set as settlement's direct read for tests and tools.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import { DynamoHoldStore, REVIEW_HOLD } from '../../shared/store/dynamodb/holds.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

type Handler = (event: unknown) => Promise<any>;
const AT = '2030-02-10T15:20:00.000Z';

describe("risk's held-payments function on DynamoDB Local", () => {
  let table: TestTable;
  let heldPayments: Handler;

  before(async () => {
    table = await startTestTable();
    setDynamoDbClient(table.client);
    process.env.TABLE_NAME = table.tableName;
    heldPayments = (await import('../../functions/internal/held-payments.js')).handler;

    const holds = new DynamoHoldStore(table);
    await holds.hold('m_a', 'pay_a1', REVIEW_HOLD, AT);
    await holds.hold('m_a', 'pay_a2', REVIEW_HOLD, AT);
    await holds.hold('m_a', 'pay_a2', 'dsc_1');
    await holds.hold('m_a', 'pay_a3', 'dsc_2');
    // Released: its item stays, without reasons.
    await holds.hold('m_a', 'pay_a4', REVIEW_HOLD, AT);
    await holds.release('m_a', 'pay_a4', REVIEW_HOLD);
    // Released of one reason, still held by the other.
    await holds.hold('m_a', 'pay_a5', 'dsc_3');
    await holds.hold('m_a', 'pay_a5', REVIEW_HOLD, AT);
    await holds.release('m_a', 'pay_a5', REVIEW_HOLD);
    await holds.hold('m_b', 'pay_b1', REVIEW_HOLD, AT);
  });
  after(async () => {
    setDynamoDbClient(undefined);
    await table.stop();
  });

  it("answers the merchant's held payments, each once, and no released one", async () => {
    assert.deepEqual(await heldPayments({ merchantId: 'm_a' }), {
      items: ['pay_a1', 'pay_a2', 'pay_a3', 'pay_a5'],
      cursor: null,
    });
    assert.deepEqual(await heldPayments({ merchantId: 'm_b' }), { items: ['pay_b1'], cursor: null });
    assert.deepEqual(await heldPayments({ merchantId: 'm_c' }), { items: [], cursor: null });
  });

  it('pages with the cursor it answers, skipping and repeating nothing', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await heldPayments({ merchantId: 'm_a', limit: 1, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= 1);
      seen.push(...page.items);
      cursor = page.cursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined && pages < 20);
    assert.deepEqual(seen, ['pay_a1', 'pay_a2', 'pay_a3', 'pay_a5']);
  });

  it("refuses a request outside its contract and another merchant's cursor", async () => {
    await assert.rejects(heldPayments({}));
    await assert.rejects(heldPayments({ merchantId: 'm_a', limit: 0 }));
    await assert.rejects(heldPayments({ merchantId: 'm_a', extra: true }));
    const { cursor } = await heldPayments({ merchantId: 'm_a', limit: 1 });
    assert.ok(cursor);
    await assert.rejects(heldPayments({ merchantId: 'm_b', cursor }));
  });

  it("answers what settlement's direct read finds", async () => {
    const store = new DynamoSettlementStore(table);
    assert.deepEqual([...(await store.heldPayments('m_a'))].sort(), ['pay_a1', 'pay_a2', 'pay_a3', 'pay_a5']);
  });
});
