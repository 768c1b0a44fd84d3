/**
 * The contract between reconciliation and core's `channel-day-outcomes` function: what the run sends parses
 * with the request schema core parses with, page after page, and an answer that breaks the schema fails the
 * run's read instead of being compared.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as z from 'zod/mini';
import {
  type ChannelDayOutcomesAnswer,
  channelDayOutcomesRequestSchema,
} from '../../../shared/internal/channel-day-outcomes.js';
import { invokedExpectations } from '../../../shared/reconciliation/expectations.js';
import { type FunctionStub, startFunctionStub } from '../../support/function-stub.js';

const outcome = (reference: string) => ({
  type: 'payment' as const,
  reference,
  channelReference: `ch_${reference}`,
  amount: 1_000,
  currency: 'USD',
  status: 'succeeded' as const,
});

/** The owner's function, answering `pages` in turn; what it was sent is kept. */
async function fakeLambda(pages: readonly unknown[]) {
  await stub?.close();
  let n = 0;
  stub = await startFunctionStub('ChannelDayOutcomes', () => pages[n++]);
  arn = stub.arn;
  return stub.received;
}

async function read(channel: string, date: string) {
  const refs = [];
  for await (const e of invokedExpectations(arn)(channel, date)) refs.push(e.reference);
  return refs;
}

let stub: FunctionStub | undefined;
let arn = '';

describe('channel-day-outcomes contract', () => {
  after(() => stub?.close());

  it('sends requests core parses, the cursor of each answer in the next', async () => {
    const pages: ChannelDayOutcomesAnswer[] = [
      { items: [outcome('pay_1')], cursor: 'c1' },
      {
        items: [{ ...outcome('re_1'), type: 'refund', channelReference: null, status: 'failed' }],
        cursor: null,
      },
    ];
    const sent = await fakeLambda(pages);
    assert.deepEqual(await read('sandbox', '2026-03-04'), ['pay_1', 're_1']);
    const requests = sent.map((s) => z.parse(channelDayOutcomesRequestSchema, s));
    assert.deepEqual(
      requests.map((r) => [r.channel, r.date, r.cursor]),
      [
        ['sandbox', '2026-03-04', undefined],
        ['sandbox', '2026-03-04', 'c1'],
      ],
    );
  });

  it('refuses an answer outside the schema', async () => {
    await fakeLambda([{ items: [{ ...outcome('pay_1'), status: 'pending' }], cursor: null }]);
    await assert.rejects(read('sandbox', '2026-03-04'));
    await fakeLambda([{ items: [{ ...outcome('pay_1'), channelReference: undefined }], cursor: null }]);
    await assert.rejects(read('sandbox', '2026-03-04'));
  });
});
