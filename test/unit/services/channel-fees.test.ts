/**
 * The contract between settlement and the channels' `channel-fees` function: what settlement sends parses
 * with the request schema the channels parse with (every routing channel), and an answer that breaks the
 * schema fails the settle instead of pricing with it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { ROUTING_CHANNELS } from '../../../shared/domain/routing/catalogue.js';
import { channelFeesRequestSchema } from '../../../shared/services/channel-fees.js';
import { setLambdaClient } from '../../../shared/services/invoke.js';
import { invokedChannelFees } from '../../../shared/settlement/channel-fees.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:ChannelFees:live';

function fakeLambda(answer: unknown) {
  const sent: unknown[] = [];
  setLambdaClient({
    async send(command: { input: { Payload: Uint8Array } }) {
      sent.push(JSON.parse(new TextDecoder().decode(command.input.Payload)));
      return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) };
    },
  } as never);
  return sent;
}

describe('channel-fees contract', () => {
  afterEach(() => setLambdaClient(undefined));

  it('asks for every routing channel in a request the channels parse, and answers their fees', async () => {
    const fees = { sandbox: { USD: { percentBps: 290, fixed: 30 } }, stripe: {} };
    const sent = fakeLambda({ fees });
    assert.deepEqual(await invokedChannelFees(ARN)(), fees);
    assert.deepEqual(z.parse(channelFeesRequestSchema, sent[0]), { channels: [...ROUTING_CHANNELS] });
  });

  it('refuses an answer outside the schema', async () => {
    fakeLambda({ fees: { sandbox: { USD: { percentBps: 2.9, fixed: 30 } } } });
    await assert.rejects(invokedChannelFees(ARN)());
    fakeLambda({ sandbox: { USD: { percentBps: 290, fixed: 30 } } });
    await assert.rejects(invokedChannelFees(ARN)());
  });
});
