/**
 * The merchant registry's contract (shared/internal/merchant-registry.ts): what the callers send parses
 * with the request schema the gateway's function parses with, and the pages follow the cursor to null.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, safeParse } from 'zod/mini';
import {
  merchantPages,
  merchantRegistryAnswer,
  merchantRegistryRequest,
} from '../../../shared/internal/merchant-registry.js';

describe('merchant registry contract', () => {
  it("parses the callers' requests and follows the cursor to the end", async () => {
    const requests: unknown[] = [];
    const answers = [
      { merchantIds: ['m_a', 'm_b'], nextCursor: 'c1' },
      { merchantIds: [], nextCursor: 'c2' },
      { merchantIds: ['m_c'], nextCursor: null },
    ];
    const pages: string[][] = [];
    for await (const page of merchantPages(async (request) => {
      requests.push(parse(merchantRegistryRequest, request));
      return parse(merchantRegistryAnswer, answers[requests.length - 1]);
    }, 'approved'))
      pages.push(page);
    assert.deepEqual(pages, [['m_a', 'm_b'], ['m_c']]);
    assert.deepEqual(requests, [
      { status: 'approved' },
      { status: 'approved', cursor: 'c1' },
      { status: 'approved', cursor: 'c2' },
    ]);
  });

  it('refuses what is not in the contract', () => {
    for (const bad of [{}, { status: 'approved', limit: 1001 }, { status: 'approved', cursor: '' }])
      assert.equal(safeParse(merchantRegistryRequest, bad).success, false, JSON.stringify(bad));
    assert.equal(safeParse(merchantRegistryAnswer, { merchantIds: [] }).success, false);
  });
});
