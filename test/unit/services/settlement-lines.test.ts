/**
 * The contract between settlement and core's `settlement-lines` function: what settlement sends parses with
 * the request schema core parses with, page after page (the cursor passed back as it came), and an answer
 * that breaks the schema fails settlement's read instead of being summed.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { setLambdaClient } from '../../../shared/services/invoke.js';
import {
  type SettlementLinesAnswer,
  settlementLinesAnswerSchema,
  settlementLinesRequestSchema,
} from '../../../shared/services/settlement-lines.js';
import { invokedLineItems } from '../../../shared/settlement/line-items.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:SettlementLines:live';
const line = (id: string) => ({
  type: 'payment' as const,
  id,
  amount: 1_000,
  currency: 'USD',
  occurredAt: '2026-03-04T10:00:00.000Z',
  channel: 'sandbox',
});

/** A Lambda client that answers `pages` in turn and keeps what it was sent. */
function fakeLambda(pages: readonly unknown[]) {
  const sent: unknown[] = [];
  setLambdaClient({
    async send(command: { input: { Payload: Uint8Array } }) {
      sent.push(JSON.parse(new TextDecoder().decode(command.input.Payload)));
      return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(pages[sent.length - 1])) };
    },
  } as never);
  return sent;
}

describe('settlement-lines contract', () => {
  afterEach(() => setLambdaClient(undefined));

  it('sends requests core parses, the cursor of each answer in the next', async () => {
    // Prepare
    const pages: SettlementLinesAnswer[] = [
      { items: [line('pay_1'), line('pay_2')], cursor: 'c1' },
      { items: [], cursor: 'c2' },
      { items: [{ ...line('re_1'), type: 'refund' }], cursor: null },
    ];
    const sent = fakeLambda(pages);

    // Act
    const ids = [];
    for await (const item of invokedLineItems(ARN)('m_1', ['0', '2026-03-05T00:00:00.000Z']))
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
    fakeLambda([{ items: [{ ...line('pay_1'), amount: 10.5 }], cursor: null }]);
    await assert.rejects(async () => {
      for await (const _ of invokedLineItems(ARN)('m_1', ['0', '1'])) {
      }
    });
    fakeLambda([{ items: [line('pay_1')] }]);
    await assert.rejects(async () => {
      for await (const _ of invokedLineItems(ARN)('m_1', ['0', '1'])) {
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
