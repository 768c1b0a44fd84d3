/**
 * Errors of the event backbone. Codes are stable: logs and tests match on them.
 */

export type EventErrorCode = 'invalid_event' | 'publish_failed';

export class EventError extends Error {
  override readonly name: string = 'EventError';
  constructor(
    readonly code: EventErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A message that is not an event of ours, or whose detail does not parse with its schema. */
export class InvalidEventError extends EventError {
  override readonly name = 'InvalidEventError';
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super('invalid_event', message);
  }
}
