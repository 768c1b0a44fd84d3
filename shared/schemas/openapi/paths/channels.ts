/** Paths of the OpenAPI document: Channels’ signed callbacks. */
import { channelSchema } from '../../payment.js';
import { SANDBOX_EVENT_TYPES } from '../../sandbox-webhook.js';
import { inline } from '../json-schema.js';
import { operation, TABLE } from '../routes.js';

export function channelPaths(): Record<string, object> {
  return {
    '/v1/channels/{channel}/callbacks': {
      post: operation({
        operationId: 'receiveChannelCallback',
        summary: `A channel's signed webhook (${SANDBOX_EVENT_TYPES.join(', ')})`,
        caller: 'public',
        parameters: [
          { name: 'channel', in: 'path', required: true, schema: inline(channelSchema) },
          { $ref: '#/components/parameters/SandboxSignature' },
        ],
        requestBody: { id: 'SandboxWebhook', required: true },
        ok: {
          status: 200,
          description: 'Accepted: applied now, already applied, or recorded as a conflict or mismatch',
          id: 'CallbackReceipt',
        },
        problems: [
          'validation-error',
          'malformed-json',
          'invalid-signature',
          'not-found',
          'unknown-reference',
          ...TABLE,
        ],
      }),
    },
  };
}
