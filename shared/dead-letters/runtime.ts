/** What every dead-letter route shares: its environment and the DLQs over the process-wide SQS client. */
import { sqsClient } from '../aws/sqs.js';
import { loadEnv } from '../config/env.js';
import { DeadLetterQueues } from './dead-letter-queues.js';
import { deadLettersEnvSchema } from './env.js';

let shared: DeadLetterQueues | undefined;

/** The DLQs of `DEAD_LETTER_QUEUES`; the first call (at cold start) parses the environment. */
export function deadLetterQueues(): DeadLetterQueues {
  shared ??= new DeadLetterQueues(sqsClient(), loadEnv(deadLettersEnvSchema).DEAD_LETTER_QUEUES);
  return shared;
}
