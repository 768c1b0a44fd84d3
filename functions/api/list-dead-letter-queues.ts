/**
 * GET /v1/ops/dead-letter-queues (ops): every dead-letter queue of the stack with its source queues and
 * approximate depth, `{ data: [...] }` sorted by name. One GetQueueAttributes per queue.
 */
import { deadLetterQueues } from '../../shared/dead-letters/runtime.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';

const queues = deadLetterQueues();

export const handler = apiHandler({ role: 'ops' }, async () => json(200, { data: await queues.list() }));
