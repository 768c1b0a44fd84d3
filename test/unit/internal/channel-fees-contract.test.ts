/**
 * The contract between settlement and the channels' `channel-fees` function: what settlement sends parses
 * with the request schema the channels parse with (every routing channel), and an answer that breaks the
 * schema fails the settle instead of pricing with it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { ROUTING_CHANNELS } from '../../../shared/domain/routing/catalogue.js';
import { channelFeesRequestSchema } from '../../../shared/internal/channel-fees.js';
import { invokedChannelFees } from '../../../shared/settlement/channel-fees.js';
import { type FunctionStub, startFunctionStub } from '../../support/function-stub.js';

/** The owner's function, answering `answer`; what it was sent is kept. */
async function fakeLambda(answer: unknown) {
  await stub?.close();
  stub = await startFunctionStub('ChannelFees', () => answer);
  arn = stub.arn;
  return stub.received;
}

let stub: FunctionStub | undefined;
let arn = '';

describe('channel-fees contract', () => {
  after(() => stub?.close());

  it('asks for every routing channel in a request the channels parse, and answers their fees', async () => {
    const fees = { sandbox: { USD: { percentBps: 290, fixed: 30 } }, stripe: {} };
    const sent = await fakeLambda({ fees });
    assert.deepEqual(await invokedChannelFees(arn)(), fees);
    assert.deepEqual(z.parse(channelFeesRequestSchema, sent[0]), { channels: [...ROUTING_CHANNELS] });
  });

  it('refuses an answer outside the schema', async () => {
    await fakeLambda({ fees: { sandbox: { USD: { percentBps: 2.9, fixed: 30 } } } });
    await assert.rejects(invokedChannelFees(arn)());
    await fakeLambda({ sandbox: { USD: { percentBps: 290, fixed: 30 } } });
    await assert.rejects(invokedChannelFees(arn)());
  });
});
