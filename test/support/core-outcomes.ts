/**
 * Core's channel outcomes function run in the test's own process, for unit tests of its callers (the
 * callback, the dispatcher, the checks): each Lambda Invoke of it (shared/services/invoke.ts) runs its
 * handler here, against the same (mocked or local) DynamoDB client, and answers as Lambda does, a thrown
 * error included. The callers' tests keep asserting the writes the outcome makes, wherever it is made.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';

export const CORE_OUTCOMES_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:apply-channel-outcomes:live';

/** Sets the callers' environment and answers their invocations in-process. Call before importing them. */
export function invokeCoreOutcomesInProcess() {
  process.env.APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN = CORE_OUTCOMES_ARN;
  const lambda = mockClient(LambdaClient);
  lambda.on(InvokeCommand, { FunctionName: CORE_OUTCOMES_ARN }).callsFake(async (input) => {
    const { handler } = await import('../../functions/internal/apply-channel-outcomes.js');
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    try {
      const answer = await handler(JSON.parse(new TextDecoder().decode(input.Payload)));
      return { StatusCode: 200, Payload: encode(answer) };
    } catch (error) {
      const { name, message } = error as Error;
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: encode({ errorType: name, errorMessage: message }),
      };
    }
  });
  return lambda;
}
