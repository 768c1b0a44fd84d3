/**
 * The Step Functions client, created once per execution environment (settlement runs start executions).
 * The endpoint is the SDK's own `AWS_ENDPOINT_URL_SFN`, which the local runtime sets to its emulation.
 */
import { SFNClient } from '@aws-sdk/client-sfn';

let shared: SFNClient | undefined;

export function sfnClient(): SFNClient {
  shared ??= new SFNClient({ region: process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 3 });
  return shared;
}
