/** Query strings and bodies of the dead-letter routes (ops). */
import * as z from 'zod/mini';
import { queryInteger } from '../schemas/query-integer.js';
import '../schemas/locale.js';
import { MAX_REDRIVE_PER_SECOND } from './dead-letter-queues.js';

const LIMIT_ERROR = 'must be an integer from 1 to 10';
const RATE_ERROR = `must be an integer from 1 to ${MAX_REDRIVE_PER_SECOND}`;

/** GET /v1/ops/dead-letter-queues/{name}/messages?limit= (1–10: one ReceiveMessage, default 10). */
export const peekMessagesQuery = z.strictObject({
  limit: z._default(queryInteger(1, 10, LIMIT_ERROR), 10),
});

/** POST /v1/ops/dead-letter-queues/{name}/redrive: `{}` (SQS-optimized rate) or `{ maxPerSecond }`. */
export const redriveBody = z.strictObject({
  maxPerSecond: z.optional(
    z
      .number({ error: RATE_ERROR })
      .check(
        z.int({ error: RATE_ERROR }),
        z.minimum(1, { error: RATE_ERROR }),
        z.maximum(MAX_REDRIVE_PER_SECOND, { error: RATE_ERROR }),
      ),
  ),
});
export type RedriveBody = z.infer<typeof redriveBody>;
