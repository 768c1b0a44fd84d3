/**
 * Starts Step Functions executions (the settlement route): one signed AWS JSON 1.0 call (json-call.ts),
 * because `@aws-sdk/client-sfn` adds ~23 KB to a route bundle
 * that already carries the DynamoDB client, middy and zod, which put it over 300 KB. The endpoint is the
 * SDK's `AWS_ENDPOINT_URL_SFN` when set (the local runtime's emulation), else the regional one.
 */

import { CodedError } from '../domain/errors.js';
import { AwsJsonCallError, type AwsJsonService, awsJsonCall } from './json-call.js';

/** Step Functions refused a second execution of that name (it exists, or existed). */
export class ExecutionAlreadyExistsError extends CodedError<'execution_already_exists'> {
  override readonly name = 'ExecutionAlreadyExistsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('execution_already_exists', message, options);
  }
}

export interface StartExecution {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
}

const STEP_FUNCTIONS: AwsJsonService = {
  signingName: 'states',
  hostPrefix: 'states',
  endpointVariable: 'AWS_ENDPOINT_URL_SFN',
  targetPrefix: 'AWSStepFunctions',
  jsonVersion: '1.0',
};

/** StartExecution. @throws ExecutionAlreadyExistsError; an Error naming the service's error otherwise. */
export async function startExecution(
  input: StartExecution,
  fetchImpl?: typeof fetch,
): Promise<{ executionArn: string }> {
  let answer: Record<string, unknown>;
  try {
    answer = await awsJsonCall(STEP_FUNCTIONS, 'StartExecution', input, fetchImpl);
  } catch (error) {
    if (!(error instanceof AwsJsonCallError)) throw error;
    if (error.type === 'ExecutionAlreadyExists') throw new ExecutionAlreadyExistsError(error.message);
    throw new Error(`StartExecution failed: ${error.type} (${error.message})`, { cause: error });
  }
  if (typeof answer.executionArn !== 'string') throw new Error('StartExecution answered no executionArn');
  return { executionArn: answer.executionArn };
}
