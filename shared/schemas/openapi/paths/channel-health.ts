/** Paths of the OpenAPI document: ops routes of the channels' settings, breakers and health. */
import * as z from 'zod/mini';
import { ROUTING_CHANNELS } from '../../../domain/routing/catalogue.js';
import { inline } from '../json-schema.js';
import { AUTH, BODY, operation, TABLE } from '../routes.js';

const channelParameter = {
  name: 'channel',
  in: 'path',
  required: true,
  schema: inline(z.enum(ROUTING_CHANNELS)),
};

export function channelHealthPaths(): Record<string, object> {
  return {
    '/v1/ops/channels': {
      get: operation({
        operationId: 'listChannels',
        summary: 'Ops: every channel with its currencies, fees, circuit breaker and last hour’s health',
        caller: 'ops',
        ok: { status: 200, description: 'Every channel of the catalogue', id: 'ChannelList' },
        problems: [...AUTH, ...TABLE],
      }),
    },
    '/v1/ops/channels/{channel}': {
      get: operation({
        operationId: 'getChannel',
        summary: 'Ops: one channel (an unknown channel answers 404)',
        caller: 'ops',
        parameters: [channelParameter],
        ok: { status: 200, description: 'The channel', id: 'Channel' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
      put: operation({
        operationId: 'putChannelSettings',
        summary:
          'Ops: replace the channel’s settings `{ fees, breaker }`; new payments and the breaker apply them ' +
          'within 2 s. A fee in a currency the channel does not take answers 400.',
        caller: 'ops',
        parameters: [channelParameter],
        requestBody: { id: 'ChannelSettingsRequest', required: true },
        ok: { status: 200, description: 'The channel with its new settings', id: 'Channel' },
        problems: [...BODY, ...AUTH, 'not-found', ...TABLE],
      }),
    },
  };
}
