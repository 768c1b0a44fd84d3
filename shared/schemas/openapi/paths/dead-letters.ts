/** Paths of the OpenAPI document: Ops routes of the dead-letter queues. */
import { peekMessagesQuery } from '../../../dead-letters/schemas.js';
import { AUTH, BODY, deadLetterQueueParameter, operation, queryParameters, TABLE } from '../routes.js';

export function deadLetterPaths(): Record<string, object> {
  return {
    '/v1/ops/dead-letter-queues': {
      get: operation({
        operationId: 'listDeadLetterQueues',
        summary: 'Ops: every dead-letter queue of the stack with its source queues and depth, by name',
        caller: 'ops',
        ok: { status: 200, description: 'The queues', id: 'DeadLetterQueueList' },
        problems: [...AUTH, ...TABLE],
      }),
    },
    '/v1/ops/dead-letter-queues/{name}/messages': {
      get: operation({
        operationId: 'listDeadLetterMessages',
        summary:
          'Ops: peek at up to `limit` messages of the queue without consuming them (visibility 0: they ' +
          'stay receivable and redrivable)',
        caller: 'ops',
        parameters: [deadLetterQueueParameter, ...queryParameters(peekMessagesQuery)],
        ok: { status: 200, description: 'Some of the queue’s messages', id: 'DeadLetterMessageList' },
        problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/dead-letter-queues/{name}/redrive': {
      post: operation({
        operationId: 'redriveDeadLetterQueue',
        summary:
          'Ops: start an SQS move task returning every message of the queue to the queue it was ' +
          'dead-lettered from. SQS runs one per queue, so a retry is safe without `Idempotency-Key`; a ' +
          'stream consumer’s on-failure queue cannot be redriven (re-process its stream records instead).',
        caller: 'ops',
        parameters: [deadLetterQueueParameter],
        requestBody: { id: 'RedriveRequest', required: false },
        ok: { status: 202, description: 'The move task, started', id: 'RedriveStarted' },
        problems: [...BODY, ...AUTH, 'not-found', 'redrive-in-progress', 'redrive-not-supported', ...TABLE],
      }),
    },
    '/v1/ops/dead-letter-queues/{name}/redrives': {
      get: operation({
        operationId: 'listDeadLetterRedrives',
        summary: 'Ops: the queue’s most recent move tasks (SQS keeps up to 10), newest first',
        caller: 'ops',
        parameters: [deadLetterQueueParameter],
        ok: { status: 200, description: 'The move tasks', id: 'RedriveList' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
  };
}
