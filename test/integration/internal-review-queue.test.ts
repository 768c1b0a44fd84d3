/**
 * Risk's review-queue function (functions/internal/review-queue.ts) on DynamoDB Local, called as Lambda
 * calls it: the held payments' keys newest first over every shard, paged below a position with an exact
 * `more`, a released payment gone; and the ops search `risk=review` taking its keys from it answers the
 * same pages, cursors included, as the same page read in-process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { parse } from 'zod/mini';
import { setDynamoDbClient } from '../../shared/aws/dynamodb.js';
import {
  type ReviewQueueAnswer,
  reviewQueueAnswer,
  reviewQueueRequest,
} from '../../shared/internal/review-queue.js';
import type { Payment } from '../../shared/schemas/payment.js';
import { DynamoHoldStore, REVIEW_HOLD } from '../../shared/store/dynamodb/holds.js';
import { DynamoPaymentLists } from '../../shared/store/dynamodb/payment-lists.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { keys } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

describe('the review queue function on DynamoDB Local', () => {
  let table: TestTable;
  let handler: (event: unknown) => Promise<ReviewQueueAnswer>;
  let holds: DynamoHoldStore;
  /** Sort keys of the payments held for review, newest first. */
  let held: string[] = [];
  /** The merchant of each held payment, by sort key. */
  const merchantOf = new Map<string, string>();
  const merchants = ['m_rq_1', 'm_rq_2'];

  before(async () => {
    table = await startTestTable();
    setDynamoDbClient(table.client);
    process.env.TABLE_NAME = table.tableName;
    ({ handler } = await import('../../functions/internal/review-queue.js'));
    holds = new DynamoHoldStore(table);
    const payments = new DynamoPaymentStore(table);
    const base = Date.parse('2030-07-01T00:00:00.000Z');
    // 160 payments over 8 instants (ties broken by id), two merchants; every third one is not held.
    const created = await Promise.all(
      Array.from({ length: 160 }, async (_, i) => {
        const body = { amount: 100 + i, currency: 'USD' };
        const merchantId = merchants[i % 2] as string;
        const answer = await payments.create({
          merchantId,
          idempotencyKey: `rq-${i}`,
          requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
          body,
          now: new Date(base + (i % 8) * 1000),
        });
        const payment = answer.body as Payment;
        const isHeld = i % 3 !== 0;
        await table.client.send(
          new UpdateItemCommand({
            TableName: table.tableName,
            Key: marshall(keys.object(payment.id.slice('pay_'.length))),
            UpdateExpression: 'SET reviewStatus = :r',
            ExpressionAttributeValues: marshall({ ':r': isHeld ? 'held' : 'released' }),
          }),
        );
        if (isHeld) await holds.hold(merchantId, payment.id, REVIEW_HOLD, payment.createdAt);
        return { payment, isHeld, merchantId };
      }),
    );
    for (const c of created.filter((x) => x.isHeld))
      merchantOf.set(keys.merchantPaymentsSort(c.payment.createdAt, c.payment.id), c.merchantId);
    held = [...merchantOf.keys()].sort().reverse();
  });
  after(async () => {
    setDynamoDbClient(undefined);
    await table.stop();
  });

  it('pages the held payments newest first, below each page’s last key, with an exact `more`', async () => {
    for (const limit of [5, 100]) {
      const seen: string[] = [];
      let below: string | undefined;
      for (;;) {
        const page = await handler({ ...(below ? { below } : {}), limit });
        assert.ok(page.keys.length <= limit);
        seen.push(...page.keys);
        assert.equal(page.more, seen.length < held.length, `limit ${limit} after ${seen.length}`);
        if (!page.more) break;
        below = page.keys[page.keys.length - 1];
      }
      assert.deepEqual(seen, held, `limit ${limit}`);
    }
  });

  it('leaves out a payment once its review hold is released', async () => {
    const [newest, second] = held;
    assert.ok(newest && second);
    const at = newest.lastIndexOf('#');
    const merchantId = merchantOf.get(newest) as string;
    await holds.release(merchantId, newest.slice(at + 1), REVIEW_HOLD);
    assert.deepEqual((await handler({ limit: 1 })).keys, [second]);
    await holds.hold(merchantId, newest.slice(at + 1), REVIEW_HOLD, newest.slice(0, at));
    assert.deepEqual((await handler({ limit: 1 })).keys, [newest]);
  });

  it('refuses a request off the contract', async () => {
    await assert.rejects(handler({ limit: 0 }));
    await assert.rejects(handler({ limit: 101 }));
    await assert.rejects(handler({ limit: 5, below: 'not-a-key' }));
  });

  it('gives the ops search the same pages and cursors through the function as in-process', async () => {
    const remote = new DynamoPaymentLists(table, {
      reviewQueue: async (request) =>
        parse(reviewQueueAnswer, await handler(parse(reviewQueueRequest, request))),
    });
    const local = new DynamoPaymentLists(table);
    for (const query of [
      { limit: 10, risk: 'review' as const },
      { limit: 100, risk: 'review' as const },
      { limit: 3, risk: 'review' as const, merchantId: 'm_rq_2' },
    ]) {
      let cursor: string | undefined;
      let pages = 0;
      const ids: string[] = [];
      do {
        const a = await remote.opsPage({ ...query, ...(cursor ? { cursor } : {}) });
        const b = await local.opsPage({ ...query, ...(cursor ? { cursor } : {}) });
        assert.deepEqual(a, b);
        ids.push(...a.data.map((p) => p.id));
        cursor = a.nextCursor ?? undefined;
        pages += 1;
      } while (cursor && pages < 100);
      const expected = held
        .filter((k) => !query.merchantId || merchantOf.get(k) === query.merchantId)
        .map((k) => k.slice(k.lastIndexOf('#') + 1));
      assert.deepEqual(ids, expected, JSON.stringify(query));
    }
  });
});
