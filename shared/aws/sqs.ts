/**
 * The SQS client, created once per execution environment (module scope) and reused across invocations
 * (dead-letter listing and redrive with `StartMessageMoveTask`).
 *
 * The endpoint is never configured here: SDK v3 reads `AWS_ENDPOINT_URL_SQS` itself, which is how the
 * local runtime points the same code at its emulated queues.
 */
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

/** As for DynamoDB (see dynamodb.ts); not imported from there, so as not to bundle that client. */
const DEFAULT_MAX_ATTEMPTS = 3;

let shared: SQSClient | undefined;

/** Builds a new client; `AWS_REGION` is set by Lambda, the local runtime and the tests. */
export function createSqsClient(config: SQSClientConfig = {}): SQSClient {
  return new SQSClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    ...config,
  });
}

/** The process-wide client, created on first use. */
export function sqsClient(): SQSClient {
  shared ??= createSqsClient();
  return shared;
}

/** Replaces the process-wide client (tests inject a mock or a client bound to a local endpoint). */
export function setSqsClient(client: SQSClient | undefined): void {
  shared = client;
}
