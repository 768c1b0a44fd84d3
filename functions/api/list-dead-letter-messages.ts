/**
 * GET /v1/ops/dead-letter-queues/{name}/messages?limit= (ops): peeks at up to `limit` (1–10) messages
 * without consuming them: `{ data: [{ messageId, body, receiveCount, sentAt, sourceQueueArn }] }`.
 */
import { DEAD_LETTER_QUEUE_NAME } from '../../shared/dead-letters/env.js';
import { deadLetterQueues } from '../../shared/dead-letters/runtime.js';
import { peekMessagesQuery } from '../../shared/dead-letters/schemas.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';

const queues = deadLetterQueues();

export const handler = apiHandler(
  { role: 'ops', path: { name: DEAD_LETTER_QUEUE_NAME }, query: peekMessagesQuery },
  async ({ event, query }) => {
    const data = await queues.peek(event.pathParameters?.name ?? '', query.limit);
    return json(200, { data });
  },
);
