/**
 * The review queue's contract (shared/internal/review-queue.ts) from the ops search's side: every request
 * the search sends parses with risk's request schema, each asks below the last key of the previous answer,
 * the search asks again only while `more` says so, and its cursor is the last key it examined.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, safeParse } from 'zod/mini';
import { reviewQueueAnswer, reviewQueueRequest } from '../../../shared/internal/review-queue.js';
import { decodeCursor } from '../../../shared/store/cursor.js';
import { DynamoPaymentLists } from '../../../shared/store/dynamodb/payment-lists.js';
import type { TableContext } from '../../../shared/store/dynamodb/table.js';

/** 250 distinct queue keys, newest first (ids of 26 base32 characters). */
const KEYS = Array.from({ length: 250 }, (_, i) => {
  // i's digits as letters (0 → a … 9 → j): unique ids of the base32 alphabet.
  const id = `pay_${'z'.repeat(23)}${[...String(i).padStart(3, '0')].map((d) => 'abcdefghij'[Number(d)]).join('')}`;
  return `2030-01-01T00:00:${String(59 - Math.floor(i / 5)).padStart(2, '0')}.000Z#${id}`;
}).sort((a, b) => (a < b ? 1 : -1));

/** A table whose payments are all gone: every key is examined, none is shown. */
const emptyTable = {
  tableName: 'payments-unit',
  client: { send: async () => ({ Responses: { 'payments-unit': [] } }) },
} as unknown as TableContext;

describe('review queue contract, as the ops search asks', () => {
  it('asks within the contract, below each answer’s last key, while `more` says so', async () => {
    const requests: any[] = [];
    const lists = new DynamoPaymentLists(emptyTable, {
      reviewQueue: async (request) => {
        requests.push(parse(reviewQueueRequest, request));
        const from = request.below === undefined ? 0 : KEYS.indexOf(request.below) + 1;
        const keys = KEYS.slice(from, from + request.limit);
        return parse(reviewQueueAnswer, { keys, more: from + keys.length < KEYS.length });
      },
    });
    const page = await lists.opsPage({ limit: 10, risk: 'review' });
    assert.deepEqual(page.data, []);
    assert.deepEqual(
      requests.map((r) => [r.below ?? null, r.limit]),
      [
        [null, 100],
        [KEYS[99], 100],
        [KEYS[199], 100],
      ],
    );
    assert.equal(page.nextCursor, null);

    // Past what a page may examine (500 keys), it hands back a cursor at the last one examined.
    requests.length = 0;
    const longer = [...KEYS, ...KEYS.map((k) => k.replace('2030-01-01', '2029-12-31'))].concat(
      KEYS.map((k) => k.replace('2030-01-01', '2029-12-30')),
    );
    const lists2 = new DynamoPaymentLists(emptyTable, {
      reviewQueue: async (request) => {
        requests.push(parse(reviewQueueRequest, request));
        const from = request.below === undefined ? 0 : longer.indexOf(request.below) + 1;
        const keys = longer.slice(from, from + request.limit);
        return { keys, more: from + keys.length < longer.length };
      },
    });
    const capped = await lists2.opsPage({ limit: 10, risk: 'review' });
    assert.equal(requests.length, 5);
    assert.ok(capped.nextCursor);
    assert.equal(decodeCursor(capped.nextCursor, '#ops'), longer[499]);
  });

  it('refuses what is not in the contract', () => {
    for (const bad of [
      { limit: 0 },
      { limit: 101 },
      { limit: 5, below: '2030#pay_x' },
      { limit: 5, extra: 1 },
    ])
      assert.equal(safeParse(reviewQueueRequest, bad).success, false, JSON.stringify(bad));
    assert.equal(safeParse(reviewQueueAnswer, { keys: ['x'], more: false }).success, false);
  });
});
