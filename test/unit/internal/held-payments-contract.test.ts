/**
 * The contract between settlement and risk's `held-payments` function: what settlement sends parses with
 * the request schema risk parses with, page after page (the cursor passed back as it came), and an answer
 * that breaks the schema fails settlement's read instead of paying a held payment out.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as z from 'zod/mini';
import {
  type HeldPaymentsAnswer,
  heldPaymentsAnswerSchema,
  heldPaymentsRequestSchema,
} from '../../../shared/internal/held-payments.js';
import { invokedHeldPayments } from '../../../shared/settlement/held-payments.js';
import { type FunctionStub, startFunctionStub } from '../../support/function-stub.js';

/** The owner's function, answering `pages` in turn; what it was sent is kept. */
async function fakeLambda(pages: readonly unknown[]) {
  await stub?.close();
  let n = 0;
  stub = await startFunctionStub('HeldPayments', () => pages[n++]);
  arn = stub.arn;
  return stub.received;
}

let stub: FunctionStub | undefined;
let arn = '';

describe('held-payments contract', () => {
  after(() => stub?.close());

  it('sends requests risk parses, the cursor of each answer in the next', async () => {
    // Prepare
    const pages: HeldPaymentsAnswer[] = [
      { items: ['pay_1', 'pay_2'], cursor: 'c1' },
      { items: [], cursor: 'c2' },
      { items: ['pay_3'], cursor: null },
    ];
    const sent = await fakeLambda(pages);

    // Act
    const held = await invokedHeldPayments(arn)('m_1');

    // Assess
    assert.deepEqual([...held], ['pay_1', 'pay_2', 'pay_3']);
    const requests = sent.map((s) => z.parse(heldPaymentsRequestSchema, s));
    assert.deepEqual(
      requests.map((r) => r.cursor),
      [undefined, 'c1', 'c2'],
    );
    for (const r of requests) assert.equal(r.merchantId, 'm_1');
  });

  it('refuses an answer outside the schema', async () => {
    await fakeLambda([{ items: [''], cursor: null }]);
    await assert.rejects(invokedHeldPayments(arn)('m_1'));
    await fakeLambda([{ items: ['pay_1'] }]);
    await assert.rejects(invokedHeldPayments(arn)('m_1'));
    await fakeLambda([{ items: [42], cursor: null }]);
    await assert.rejects(invokedHeldPayments(arn)('m_1'));
  });

  it('parses only what the schemas say', () => {
    const answer = { items: ['pay_1'], cursor: null };
    assert.deepEqual(z.parse(heldPaymentsAnswerSchema, JSON.parse(JSON.stringify(answer))), answer);
    assert.throws(() => z.parse(heldPaymentsRequestSchema, { merchantId: 'm_1', limit: 0 }));
    assert.throws(() => z.parse(heldPaymentsRequestSchema, { merchantId: 'm_1', limit: 10_001 }));
    assert.throws(() => z.parse(heldPaymentsRequestSchema, { merchantId: 'm 1' }));
    assert.throws(() => z.parse(heldPaymentsRequestSchema, { merchantId: 'm_1', reason: 'review' }));
  });
});
