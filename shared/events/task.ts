/**
 * The one way to write a Step Functions task (the settlement state machine's): the logger's Lambda
 * context, and one log line per failure with the error's stable code. The error is rethrown as it was
 * thrown: the state machine's Retry and Catch match on its name, and its Catch records the cause.
 */
import type { Context } from 'aws-lambda';
import { CodedError } from '../domain/errors.js';
import { logger } from '../http/logger.js';

/** Wraps a task function. */
export function taskHandler<I, O>(name: string, task: (input: I) => Promise<O>) {
  return async (input: I, context?: Context): Promise<O> => {
    if (context) logger.addContext(context);
    try {
      return await task(input);
    } catch (error) {
      const code = error instanceof CodedError ? error.code : undefined;
      logger.error('task failed', { task: name, code, error: error as Error });
      throw error;
    }
  };
}
