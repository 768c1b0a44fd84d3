/**
 * Sends SQS messages (the channel checks) with one signed AWS JSON 1.0 call (json-call.ts), as
 * shared/aws/sfn.ts does and for the same reason: `@aws-sdk/client-sqs` adds ~24 KB
 * to the dispatcher, whose bundle the DynamoDB client and the channel adapters already bring near the
 * 300 KB budget (measured 2026-12-06: 312 KB with the client, 286 KB with this). The endpoint is
 * the SDK's `AWS_ENDPOINT_URL_SQS` when set (the local runtime's emulation), else the regional one.
 */
import { AwsJsonCallError, type AwsJsonService, awsJsonCall } from './json-call.js';

export interface SqsEntry {
  readonly Id: string;
  readonly MessageBody: string;
  readonly DelaySeconds?: number;
}

const SQS: AwsJsonService = {
  signingName: 'sqs',
  hostPrefix: 'sqs',
  endpointVariable: 'AWS_ENDPOINT_URL_SQS',
  targetPrefix: 'AmazonSQS',
  jsonVersion: '1.0',
};

/** One SQS JSON call (`SendMessage`, `SendMessageBatch`). @throws Error naming the service's error. */
export async function sqsCall(
  action: 'SendMessage' | 'SendMessageBatch',
  input: Record<string, unknown>,
  fetchImpl?: typeof fetch,
): Promise<Record<string, unknown>> {
  try {
    return await awsJsonCall(SQS, action, input, fetchImpl);
  } catch (error) {
    if (!(error instanceof AwsJsonCallError)) throw error;
    throw new Error(`SQS ${action} failed: ${error.type} (${error.message})`, { cause: error });
  }
}

/** Sends up to 10 entries. @throws Error when SQS refused the call or any entry. */
export async function sendMessageBatch(queueUrl: string, entries: readonly SqsEntry[]): Promise<void> {
  const out = await sqsCall('SendMessageBatch', { QueueUrl: queueUrl, Entries: entries });
  const failed = (out.Failed as { Code?: string }[] | undefined) ?? [];
  if (failed.length > 0) throw new Error(`SQS refused messages: ${failed.map((f) => f.Code).join(', ')}`);
}

export async function sendMessage(queueUrl: string, body: string): Promise<void> {
  await sqsCall('SendMessage', { QueueUrl: queueUrl, MessageBody: body });
}
