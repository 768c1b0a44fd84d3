/**
 * POST /v1/ops/dead-letter-queues/{name}/redrive `{}` or `{ maxPerSecond }` (ops): starts an SQS move task
 * that returns every message of the DLQ to the queue it was dead-lettered from. 202 `{ taskHandle, status }`;
 * 409 `redrive-in-progress` while a task of this DLQ runs (SQS allows one), 409 `redrive-not-supported` for a
 * stream consumer's on-failure queue. Starting a move is idempotent by SQS's own rule (one at a time), so an
 * `Idempotency-Key` is accepted but not needed.
 */
import { DEAD_LETTER_QUEUE_NAME } from '../../shared/dead-letters/env.js';
import { deadLetterQueues } from '../../shared/dead-letters/runtime.js';
import { redriveBody } from '../../shared/dead-letters/schemas.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';

const queues = deadLetterQueues();

export const handler = apiHandler(
  { role: 'ops', path: { name: DEAD_LETTER_QUEUE_NAME }, body: redriveBody },
  async ({ event, body }) => {
    const started = await queues.redrive(event.pathParameters?.name ?? '', body.maxPerSecond);
    return json(202, started);
  },
);
