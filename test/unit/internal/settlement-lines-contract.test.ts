/**
 * The contract between settlement and core's `settlement-lines` function: what settlement sends parses with
 * the request schema core parses with, page after page (the cursor passed back as it came), and an answer
 * that breaks the schema fails settlement's read instead of being summed.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as z from 'zod/mini';
import {
  type SettlementLinesAnswer,
  settlementLinesAnswerSchema,
  settlementLinesRequestSchema,
} from '../../../shared/internal/settlement-lines.js';
import { invokedLineItems } from '../../../shared/settlement/line-items.js';
import { type FunctionStub, startFunctionStub } from '../../support/function-stub.js';

const line = (id: string) => ({
  type: 'payment' as const,
  id,
  amount: 1_000,
  currency: 'USD',
  occurredAt: '2026-03-04T10:00:00.000Z',
  channel: 'sandbox',
});

/** The owner's function, answering `pages` in turn; what it was sent is kept. */
async function fakeLambda(pages: readonly unknown[]) {
  await stub?.close();
  let n = 0;
  stub = await startFunctionStub('SettlementLines', () => pages[n++]);
  arn = stub.arn;
  return stub.received;
}

let stub: FunctionStub | undefined;
let arn = '';

describe('settlement-lines contract', () => {
  after(() => stub?.close());

  it('sends requests core parses, the cursor of each answer in the next', async () => {
    // Prepare
    const pages: SettlementLinesAnswer[] = [
      { items: [line('pay_1'), line('pay_2')], cursor: 'c1' },
      { items: [], cursor: 'c2' },
      { items: [{ ...line('re_1'), type: 'refund' }], cursor: null },
    ];
    const sent = await fakeLambda(pages);

    // Act
    const ids = [];
    for await (const item of invokedLineItems(arn)('m_1', ['0', '2026-03-05T00:00:00.000Z']))
      ids.push(item.id);

    // Assess
    assert.deepEqual(ids, ['pay_1', 'pay_2', 're_1']);
    const requests = sent.map((s) => z.parse(settlementLinesRequestSchema, s));
    assert.deepEqual(
      requests.map((r) => r.cursor),
      [undefined, 'c1', 'c2'],
    );
    for (const r of requests)
      assert.deepEqual([r.merchantId, r.from, r.to], ['m_1', '0', '2026-03-05T00:00:00.000Z']);
  });

  it('refuses an answer outside the schema', async () => {
    await fakeLambda([{ items: [{ ...line('pay_1'), amount: 10.5 }], cursor: null }]);
    await assert.rejects(async () => {
      for await (const _ of invokedLineItems(arn)('m_1', ['0', '1'])) {
      }
    });
    await fakeLambda([{ items: [line('pay_1')] }]);
    await assert.rejects(async () => {
      for await (const _ of invokedLineItems(arn)('m_1', ['0', '1'])) {
      }
    });
  });

  it('answers core’s read of a line item as the schema says', () => {
    const answer = { items: [line('pay_1'), { ...line('pay_2'), channel: undefined }], cursor: null };
    assert.deepEqual(
      z.parse(settlementLinesAnswerSchema, JSON.parse(JSON.stringify(answer))).items.length,
      2,
    );
    assert.throws(() =>
      z.parse(settlementLinesRequestSchema, { merchantId: 'm', from: '0', to: '1', limit: 0 }),
    );
  });
});
