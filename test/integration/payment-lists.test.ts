/**
 * The sharded payment lists on DynamoDB Local, through the stores: for random sets of payments (spread
 * over the index shards by their ids, many sharing a `createdAt`), paging with random limits yields
 * exactly the newest-first order of all of them, ties broken by id, with and without filters, and
 * payments created while paging change nothing of the pages still to come.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import type { Payment } from '../../shared/schemas/payment.js';
import { DynamoHoldStore, REVIEW_HOLD } from '../../shared/store/dynamodb/holds.js';
import { DynamoPaymentLists, type OpsListPaymentsInput } from '../../shared/store/dynamodb/payment-lists.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import { InvalidCursorError } from '../../shared/store/errors.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { keys, shardOf } from '../../shared/store/keys.js';
import { startTestTable, type TestTable } from '../support/dynamodb.js';

const STATUSES = ['processing', 'succeeded', 'failed', 'canceled'] as const;
const CHANNELS = ['sandbox', 'stripe'] as const;
type Status = (typeof STATUSES)[number];

interface Listed {
  id: string;
  merchantId: string;
  createdAt: string;
  status: Status;
  channel: string;
  held: boolean;
}

/** Newest first, ties on createdAt broken by id (descending): the index sort key's order. */
const newestFirst = (a: Listed, b: Listed) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

const paymentArb = fc.record({
  // Few distinct instants, so that many payments share a createdAt and the id must order them.
  second: fc.integer({ min: 0, max: 15 }),
  status: fc.constantFrom(...STATUSES),
  channel: fc.constantFrom(...CHANNELS),
  held: fc.boolean(),
});

type Spec = { second: number; status: Status; channel: string; held: boolean };

describe('payment lists over sharded indexes, on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let lists: DynamoPaymentLists;
  let holds: DynamoHoldStore;
  let context: { client: TestTable['client']; tableName: string };
  /** Every payment of the table, for the lists across merchants. */
  const everyPayment: Listed[] = [];
  let run = 0;
  let keyCounter = 0;

  before(async () => {
    table = await startTestTable();
    context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    lists = new DynamoPaymentLists(context);
    holds = new DynamoHoldStore(context);
  });
  after(async () => table.stop());

  /** Creates through the store, then sets the status, channel and review as later writers would. */
  async function createAll(merchantId: string, specs: Spec[], base: number) {
    const created = await Promise.all(
      specs.map(async (spec, i) => {
        const body = { amount: 100 + i, currency: 'USD' };
        const answer = await payments.create({
          merchantId,
          idempotencyKey: `k-${keyCounter++}`,
          requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
          body,
          now: new Date(base + spec.second * 1000),
        });
        const payment = answer.body as Payment;
        await table.client.send(
          new UpdateItemCommand({
            TableName: table.tableName,
            Key: marshall(keys.object(payment.id.slice('pay_'.length))),
            UpdateExpression: 'SET #status = :s, channel = :c, reviewStatus = :r',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: marshall({
              ':s': spec.status,
              ':c': spec.channel,
              ':r': spec.held ? 'held' : 'released',
            }),
          }),
        );
        if (spec.held) await holds.hold(merchantId, payment.id, REVIEW_HOLD, payment.createdAt);
        return { ...spec, id: payment.id, merchantId, createdAt: payment.createdAt } satisfies Listed;
      }),
    );
    everyPayment.push(...created);
    return created;
  }

  /** Pages to the end with the limits given in turn; the ids in the order they came. */
  async function pageThrough<T extends { id: string }>(
    page: (limit: number, cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>,
    limits: readonly number[],
    between?: () => Promise<void>,
  ): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; ; i++) {
      const limit = limits[i % limits.length] ?? 10;
      const answer = await page(limit, cursor);
      assert.ok(answer.data.length <= limit, 'a page holds at most `limit` payments');
      ids.push(...answer.data.map((p) => p.id));
      if (answer.nextCursor === null) return ids;
      cursor = answer.nextCursor;
      if (i === 0) await between?.();
      assert.ok(i < 500, 'paging ends');
    }
  }

  it('pages a merchant newest first, exactly, with and without a status filter, while payments arrive', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(paymentArb, { minLength: 0, maxLength: 50, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        fc.option(fc.constantFrom(...STATUSES), { nil: undefined }),
        // Small Query limits make partitions run dry in the middle of a page, so refills are exercised.
        fc.integer({ min: 1, max: 8 }),
        async (specs, limits, status, partitionQueryLimit) => {
          const reader = new DynamoPaymentLists(context, { partitionQueryLimit });
          const merchantId = `m_prop_${run++}`;
          const base = Date.parse('2030-03-01T12:00:00.000Z');
          const created = await createAll(merchantId, specs, base);
          const expected = created
            .filter((p) => !status || p.status === status)
            .sort(newestFirst)
            .map((p) => p.id);
          // Payments created after the first page sort above its cursor: no later page shows them.
          const arrive = async () => {
            await createAll(
              merchantId,
              [{ second: 60, status: 'processing', channel: 'sandbox', held: false }],
              base,
            );
          };
          const ids = await pageThrough(
            (limit, cursor) =>
              reader.merchantPage({
                merchantId,
                limit,
                ...(cursor ? { cursor } : {}),
                ...(status ? { status } : {}),
              }),
            limits,
            arrive,
          );
          assert.deepEqual(ids, expected);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('pages every merchant newest first for ops, with merchant, status, channel and review filters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(paymentArb, { minLength: 0, maxLength: 25, size: 'max' }),
        // The search pages the whole table each run: limits from 10 keep that to tens of pages.
        fc.array(fc.integer({ min: 10, max: 100 }), { minLength: 1, maxLength: 4 }),
        fc.record(
          {
            status: fc.constantFrom(...STATUSES),
            channel: fc.constantFrom(...CHANNELS),
            risk: fc.constant('review' as const),
            mine: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 1, max: 8 }),
        async (specs, limits, filters, partitionQueryLimit) => {
          const reader = new DynamoPaymentLists(context, { partitionQueryLimit });
          const merchantId = `m_ops_${run++}`;
          await createAll(merchantId, specs, Date.parse('2030-04-01T00:00:00.000Z') + run * 7_000);
          const { mine, ...rest } = filters;
          const query: Omit<OpsListPaymentsInput, 'limit'> = { ...rest, ...(mine ? { merchantId } : {}) };
          const expected = everyPayment
            .filter(
              (p) =>
                (!query.merchantId || p.merchantId === query.merchantId) &&
                (!query.status || p.status === query.status) &&
                (!query.channel || p.channel === query.channel) &&
                (!query.risk || p.held),
            )
            .sort(newestFirst)
            .map((p) => p.id);
          const ids = await pageThrough(
            (limit, cursor) => reader.opsPage({ ...query, limit, ...(cursor ? { cursor } : {}) }),
            limits,
          );
          assert.deepEqual(ids, expected);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('spreads one merchant over every shard of its list, and reads a released payment out of the review queue', async () => {
    const merchantId = 'm_spread';
    const created = await createAll(
      merchantId,
      Array.from({ length: 200 }, (_, i) => ({
        second: i % 7,
        status: 'processing',
        channel: 'sandbox',
        held: false,
      })),
      Date.parse('2030-05-01T00:00:00.000Z'),
    );
    const shards = new Set(created.map((p) => shardOf(p.id)));
    assert.equal(shards.size, 32);
    const [first] = created;
    assert.ok(first);
    await holds.hold(merchantId, first.id, REVIEW_HOLD, first.createdAt);
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: marshall(keys.object(first.id.slice('pay_'.length))),
        UpdateExpression: 'SET reviewStatus = :r',
        ExpressionAttributeValues: marshall({ ':r': 'held' }),
      }),
    );
    const held = await lists.opsPage({ limit: 100, risk: 'review', merchantId });
    await holds.release(merchantId, first.id, REVIEW_HOLD);
    const released = await lists.opsPage({ limit: 100, risk: 'review', merchantId });
    assert.deepEqual(
      held.data.map((p) => [p.id, p.reviewStatus]),
      [[first.id, 'held']],
    );
    assert.deepEqual(released.data, []);
    assert.equal((await lists.opsGet(first.id)).reviewStatus, 'held');
  });

  it('refuses a cursor of another merchant, an ops cursor for a merchant, and one that is not ours', async () => {
    const merchantId = 'm_cursor';
    await createAll(
      merchantId,
      [0, 1, 2].map((second) => ({ second, status: 'processing', channel: 'sandbox', held: false })),
      Date.parse('2030-06-01T00:00:00.000Z'),
    );
    const mine = await lists.merchantPage({ merchantId, limit: 1 });
    const ops = await lists.opsPage({ limit: 1 });
    assert.ok(mine.nextCursor && ops.nextCursor);
    await assert.rejects(
      lists.merchantPage({ merchantId: 'm_other', limit: 1, cursor: mine.nextCursor }),
      InvalidCursorError,
    );
    await assert.rejects(
      lists.merchantPage({ merchantId, limit: 1, cursor: ops.nextCursor }),
      InvalidCursorError,
    );
    await assert.rejects(lists.opsPage({ limit: 1, cursor: mine.nextCursor }), InvalidCursorError);
    const forged = Buffer.from(JSON.stringify([1, merchantId, '2030-06-01T00:00:00.000Z#pay_x'])).toString(
      'base64url',
    );
    await assert.rejects(lists.merchantPage({ merchantId, limit: 1, cursor: forged }), InvalidCursorError);
  });
});
