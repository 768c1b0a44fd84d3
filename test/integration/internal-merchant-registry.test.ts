/**
 * The gateway's merchant registry function (functions/internal/merchant-registry.ts) on DynamoDB Local,
 * called as Lambda calls it: approved merchants (suspended ones included, never a rejected or pending
 * one) by id, a status's merchants newest first, every page exactly once through the cursor, and a
 * cursor or request it did not issue refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import {
  type MerchantRegistryAnswer,
  type MerchantRegistryRequest,
  merchantPages,
} from '../../shared/internal/merchant-registry.js';
import type { CreateMerchantBody } from '../../shared/schemas/merchants.js';
import { DynamoMerchantStore } from '../../shared/store/dynamodb/merchants.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const BODY: CreateMerchantBody = { name: 'Acme', country: 'DE', expectedMonthlyVolume: { EUR: 5_000_000 } };

describe('the merchant registry function on DynamoDB Local', () => {
  let table: TestTable;
  let merchants: DynamoMerchantStore;
  let handler: (event: unknown) => Promise<MerchantRegistryAnswer>;
  const created: Record<'approved' | 'suspended' | 'pending' | 'rejected', string[]> = {
    approved: [],
    suspended: [],
    pending: [],
    rejected: [],
  };

  before(async () => {
    table = await startTestTable();
    merchants = new DynamoMerchantStore(table);
    setDynamoDbClient(table.client);
    process.env.TABLE_NAME = table.tableName;
    ({ handler } = await import('../../functions/internal/merchant-registry.js'));
    let n = 0;
    const create = async () =>
      (
        await merchants.create({
          callerId: 'ops',
          idempotencyKey: `mer-${++n}`,
          requestFingerprint: requestFingerprint('POST', '/v1/ops/merchants', { ...BODY, n }),
          body: BODY,
          now: new Date(Date.UTC(2030, 0, 1, 0, 0, n)),
        })
      ).merchant.id;
    const change = (merchantId: string, command: Parameters<DynamoMerchantStore['change']>[0]['command']) =>
      merchants.change({ merchantId, command, by: 'ops', note: 'checked', now: new Date() });
    for (let i = 0; i < 5; i++) {
      const id = await create();
      await change(id, { kind: 'approve', riskRating: 'low' });
      created.approved.push(id);
    }
    for (let i = 0; i < 2; i++) {
      const id = await create();
      await change(id, { kind: 'approve', riskRating: 'medium' });
      await change(id, { kind: 'suspend' });
      created.suspended.push(id);
    }
    for (let i = 0; i < 2; i++) created.pending.push(await create());
    const rejected = await create();
    await change(rejected, { kind: 'reject' });
    created.rejected.push(rejected);
  });
  after(async () => {
    setDynamoDbClient(undefined);
    await table.stop();
  });

  /** Every id of `status`, page by page of `limit`, through the cursors. */
  async function all(status: MerchantRegistryRequest['status'], limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    for await (const page of merchantPages((request) => handler({ ...request, limit }), status))
      pages.push(page);
    return pages;
  }

  it('lists every merchant ever approved, suspended ones included, by id, a page at a time', async () => {
    const expected = [...created.approved, ...created.suspended].sort();
    for (const limit of [1, 3, 7, 1000]) {
      const pages = await all('approved', limit);
      assert.deepEqual(pages.flat(), expected, `limit ${limit}`);
      assert.ok(pages.every((p) => p.length <= limit));
    }
  });

  it('lists the merchants of a status as the ops list does, newest first', async () => {
    assert.deepEqual((await all('pending_review', 1)).flat(), [...created.pending].reverse());
    assert.deepEqual((await all('suspended', 1000)).flat(), [...created.suspended].reverse());
    assert.deepEqual((await all('rejected', 2)).flat(), created.rejected);
    assert.deepEqual((await all('active', 2)).flat(), [...created.approved].reverse());
  });

  it('answers a page with the cursor of the next, and null after the last', async () => {
    const first = await handler({ status: 'approved', limit: 4 });
    assert.equal(first.merchantIds.length, 4);
    assert.ok(first.nextCursor);
    const rest = await handler({ status: 'approved', cursor: first.nextCursor });
    assert.equal(rest.merchantIds.length, 3);
    assert.equal(rest.nextCursor, null);
  });

  it('refuses a cursor issued for another status, one it never issued, and a request off the contract', async () => {
    const first = await handler({ status: 'approved', limit: 1 });
    assert.ok(first.nextCursor);
    await assert.rejects(handler({ status: 'active', cursor: first.nextCursor }), /another status/);
    await assert.rejects(handler({ status: 'approved', cursor: 'bm90LW91cnM' }), /cursor/);
    await assert.rejects(handler({ status: 'closed' }));
    await assert.rejects(handler({ status: 'approved', limit: 0 }));
    await assert.rejects(handler({ status: 'approved', extra: true }));
  });
});
