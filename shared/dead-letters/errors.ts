/**
 * Errors of dead-letter operations. Codes are stable; the error table (shared/schemas/error-problems.ts)
 * maps them to problem+json at the API edge.
 */

import { CodedError } from '../domain/errors.js';

/** No dead-letter queue of the stack has this ops name. */
export class DeadLetterQueueNotFoundError extends CodedError<'dead_letter_queue_not_found'> {
  override readonly name = 'DeadLetterQueueNotFoundError';
  constructor(readonly queueName: string) {
    super('dead_letter_queue_not_found', `No dead-letter queue is named ${JSON.stringify(queueName)}.`);
  }
}

/** SQS runs one move task per source queue at a time; this DLQ already has one. */
export class RedriveInProgressError extends CodedError<'redrive_in_progress'> {
  override readonly name = 'RedriveInProgressError';
  constructor(
    readonly queueName: string,
    readonly taskHandle: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      'redrive_in_progress',
      `A redrive of dead-letter queue ${queueName} is already running; wait for it or cancel it.`,
      options,
    );
  }
}

/**
 * The DLQ is fed by a Lambda event source mapping's on-failure destination, not by another queue's redrive
 * policy: SQS cannot move its messages back (StartMessageMoveTask accepts only DLQs of SQS queues), and its
 * messages are pointers to stream records, to be re-processed from the stream or replayed from the archive.
 */
export class RedriveNotSupportedError extends CodedError<'redrive_not_supported'> {
  override readonly name = 'RedriveNotSupportedError';
  constructor(readonly queueName: string) {
    super(
      'redrive_not_supported',
      `Dead-letter queue ${queueName} holds on-failure records of a stream consumer, not messages of another queue: SQS cannot redrive it. Inspect its messages and re-process the records they point to.`,
    );
  }
}
