/**
 * GET /v1/ops/dead-letter-queues/{name}/redrives (ops): the DLQ's most recent move tasks (SQS keeps up to
 * 10), newest first: `{ data: [{ taskHandle, status, messagesMoved, messagesToMove, failureReason, … }] }`.
 * `taskHandle` is only known while a task runs.
 */
import { DEAD_LETTER_QUEUE_NAME } from '../../shared/dead-letters/env.js';
import { deadLetterQueues } from '../../shared/dead-letters/runtime.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';

const queues = deadLetterQueues();

export const handler = apiHandler(
  { role: 'ops', path: { name: DEAD_LETTER_QUEUE_NAME } },
  async ({ event }) => json(200, { data: await queues.redrives(event.pathParameters?.name ?? '') }),
);
