/**
 * Core's channel outcomes function (and its object-states read) run in the test's own process, for tests
 * of its callers (the callback, the dispatcher, the checks): served by
 * in-process-functions.ts, against the same (mocked or local) DynamoDB client, answering as Lambda does, a thrown error
 * included. The callers' tests keep asserting the writes the outcome makes, wherever it is made.
 */
import { type InProcessFunction, inProcessArn, serveInProcess } from './in-process-functions.js';

export const CORE_OUTCOMES_FUNCTION = 'apply-channel-outcomes';
export const CORE_OUTCOMES_ARN = inProcessArn(CORE_OUTCOMES_FUNCTION);
/** Core's read for the same callers (where their payments and refunds stand), served beside it. */
export const OBJECT_STATES_FUNCTION = 'object-states';
export const OBJECT_STATES_ARN = inProcessArn(OBJECT_STATES_FUNCTION);

/**
 * Sets the callers' environment (the function's ARN, the endpoint, credentials to sign with) and serves
 * their invocations in-process until the test file ends, with `others` on the same endpoint. Call before
 * importing them.
 */
export async function invokeCoreOutcomesInProcess(
  others: readonly InProcessFunction[] = [],
): Promise<{ readonly url: string }> {
  return serveInProcess([
    {
      name: CORE_OUTCOMES_FUNCTION,
      envVar: 'APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN',
      handle: async (event) =>
        (await import('../../functions/internal/apply-channel-outcomes.js')).handler(event),
    },
    {
      name: OBJECT_STATES_FUNCTION,
      envVar: 'OBJECT_STATES_FUNCTION_ARN',
      handle: async (event) => (await import('../../functions/internal/object-states.js')).handler(event),
    },
    ...others,
  ]);
}
