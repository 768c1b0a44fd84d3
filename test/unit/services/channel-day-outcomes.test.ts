/**
 * The contract between reconciliation and core's `channel-day-outcomes` function: what the run sends parses
 * with the request schema core parses with, page after page, and an answer that breaks the schema fails the
 * run's read instead of being compared.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { invokedExpectations } from '../../../shared/reconciliation/expectations.js';
import {
  type ChannelDayOutcomesAnswer,
  channelDayOutcomesRequestSchema,
} from '../../../shared/services/channel-day-outcomes.js';
import { setLambdaClient } from '../../../shared/services/invoke.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:ChannelDayOutcomes:live';
const outcome = (reference: string) => ({
  type: 'payment' as const,
  reference,
  channelReference: `ch_${reference}`,
  amount: 1_000,
  currency: 'USD',
  status: 'succeeded' as const,
});

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

async function read(channel: string, date: string) {
  const refs = [];
  for await (const e of invokedExpectations(ARN)(channel, date)) refs.push(e.reference);
  return refs;
}

describe('channel-day-outcomes contract', () => {
  afterEach(() => setLambdaClient(undefined));

  it('sends requests core parses, the cursor of each answer in the next', async () => {
    const pages: ChannelDayOutcomesAnswer[] = [
      { items: [outcome('pay_1')], cursor: 'c1' },
      {
        items: [{ ...outcome('re_1'), type: 'refund', channelReference: null, status: 'failed' }],
        cursor: null,
      },
    ];
    const sent = fakeLambda(pages);
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
    fakeLambda([{ items: [{ ...outcome('pay_1'), status: 'pending' }], cursor: null }]);
    await assert.rejects(read('sandbox', '2026-03-04'));
    fakeLambda([{ items: [{ ...outcome('pay_1'), channelReference: undefined }], cursor: null }]);
    await assert.rejects(read('sandbox', '2026-03-04'));
  });
});
