/**
 * Errors of the event backbone. Codes are stable: logs and tests match on them.
 */
import { CodedError } from '../domain/errors.js';
export type EventErrorCode = 'invalid_event' | 'publish_failed';

export class EventError extends CodedError<EventErrorCode> {
  override readonly name: string = 'EventError';
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
