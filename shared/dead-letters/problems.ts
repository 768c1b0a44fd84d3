/** Translates dead-letter errors into the API's problems (the one mapper, problem-errors.ts, does the rest). */
import { HttpProblemError, NotFoundError } from '../http/errors.js';
import { DeadLetterQueueNotFoundError, RedriveInProgressError, RedriveNotSupportedError } from './errors.js';

/** Runs `operation`, rethrowing dead-letter errors as 404 / 409 problems. */
export async function asProblems<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof DeadLetterQueueNotFoundError) throw new NotFoundError(error.message);
    if (error instanceof RedriveInProgressError) {
      throw new HttpProblemError('redrive-in-progress', error.message, [], { cause: error });
    }
    if (error instanceof RedriveNotSupportedError) {
      throw new HttpProblemError('redrive-not-supported', error.message, [], { cause: error });
    }
    throw error;
  }
}
